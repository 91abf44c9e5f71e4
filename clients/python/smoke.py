"""A psycopg 3 smoke test: run it against a server or through the sidecar.

The connection comes from libpq's environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE
(and PGSSLMODE). Prints one JSON summary line on stdout; exits 1 on any mismatch, 2 on an
unexpected error. Needs psycopg 3 (Debian: apt-get install python3-psycopg; run /usr/bin/python3).
"""

import json
import sys
import threading

import psycopg
from psycopg import errors

TABLE = "py_smoke"
THREADS = 4
mismatches = []
lock = threading.Lock()


def expect_equal(what, actual, expected):
    if actual != expected:
        with lock:
            mismatches.append(f"{what}: expected {expected!r}, got {actual!r}")


def connect():
    return psycopg.connect("", application_name="psycopg-smoke", autocommit=True)


def prepared_statements():
    """Server-side prepared statements from several connections at once.

    prepare_threshold=0 makes psycopg prepare every parameterized query on first use, under
    its own statement name, then only bind and execute it.
    """
    per_thread = 30
    done = []

    def work(t):
        try:
            with connect() as conn:
                conn.prepare_threshold = 0
                for i in range(per_thread):
                    row = conn.execute("select %s::int * 3 as tripled, %s::text as who", (i, f"thread-{t}")).fetchone()
                    expect_equal(f"prepared thread {t} run {i}", row, (i * 3, f"thread-{t}"))
                with lock:
                    done.append(per_thread)
        except Exception as e:  # a thread's failure must reach the summary
            with lock:
                mismatches.append(f"prepared thread {t}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect_equal("threads that finished", len(done), THREADS)
    return sum(done)


def executemany_and_transaction(conn):
    """executemany (pipelined by psycopg), a committed and a rolled-back transaction."""
    rows = [(i, f"note {i}") for i in range(1, 101)]
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany(f"insert into {TABLE} (id, note) values (%s, %s)", rows)
        inside = conn.execute(f"select count(*) from {TABLE}").fetchone()[0]
        expect_equal("rows inside the transaction", inside, 100)

    class Rollback(Exception):
        pass

    try:
        with conn.transaction():
            conn.execute(f"insert into {TABLE} (id, note) values (1000, 'rolled back')")
            raise Rollback()
    except Rollback:
        pass
    count, total = conn.execute(f"select count(*), sum(id) from {TABLE}").fetchone()
    expect_equal("rows after commit and rollback", (count, total), (100, 5050))
    return count


def copy_in_and_out(conn):
    """COPY FROM STDIN then COPY TO STDOUT, comparing what comes back."""
    sent = [(2000 + i, f"copied\t{i} \\ \"quoted\" ünïcode") for i in range(500)]
    with conn.cursor() as cur:
        with cur.copy(f"COPY {TABLE} (id, note) FROM STDIN") as copy:
            for row in sent:
                copy.write_row(row)
        received = []
        with cur.copy(f"COPY (select id, note from {TABLE} where id >= 2000 order by id) TO STDOUT") as copy:
            copy.set_types(["int4", "text"])
            for row in copy.rows():
                received.append(row)
    expect_equal("rows copied out", len(received), len(sent))
    expect_equal("copied rows round trip", received == sent, True)
    return len(received)


def sqlstates(conn):
    """Errors carry the server's SQLSTATE; the connection stays usable after them."""
    found = {}
    for name, sql, params in [
        ("divisionByZero", "select 1 / %s::int", (0,)),
        ("uniqueViolation", f"insert into {TABLE} (id, note) values (%s, 'duplicate')", (1,)),
        ("undefinedTable", "select * from no_such_table_py_smoke", None),
    ]:
        try:
            conn.execute(sql, params)
            mismatches.append(f"{name}: the query succeeded but should have failed")
        except psycopg.Error as e:
            found[name] = e.sqlstate
    expect_equal("error codes", found, {"divisionByZero": "22012", "uniqueViolation": "23505", "undefinedTable": "42P01"})
    try:
        with conn.transaction():
            conn.execute("select 1 / 0")
    except errors.DivisionByZero as e:
        expect_equal("error inside a transaction", e.sqlstate, "22012")
    expect_equal("statement after the rolled-back transaction", conn.execute("select 1").fetchone(), (1,))
    return found


def main():
    with connect() as conn:
        conn.execute(f"create table if not exists {TABLE} (id int primary key, note text)")
        conn.execute(f"truncate {TABLE}")
        summary = {
            "client": "psycopg",
            "version": psycopg.__version__,
            "prepared": prepared_statements(),
            "committedRows": executemany_and_transaction(conn),
            "copiedRows": copy_in_and_out(conn),
            "errorCodes": sqlstates(conn),
        }
    summary["mismatches"] = mismatches
    print(json.dumps(summary))
    return 0 if not mismatches else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - any surprise is a failed smoke test
        print(f"smoke.py failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(2)
