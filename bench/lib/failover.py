#!/usr/bin/env python3
"""One failover, timed from a writing client's side (bench/run's failover measurement).

A client writes through --dsn in a loop: one autocommit INSERT at a time, reconnecting after any
error. Once it has written for --warm-up seconds, the primary dies (SIGKILL to its postmaster and
every backend at once, as when its node is lost), then the command after `--` promotes the
replica, and the replica is polled directly (--replica-dsn) until it leaves recovery; then
--after-promote runs if given: what an external agent does for a pooler that does not follow a
failover by itself. Prints one CSV row:

  outage_ms,follow_ms,writes_ok,writes_failed,first_error

"Resumed" is the first write acknowledged by the promoted replica (each INSERT returns the port
of the server that ran it): the dying primary may still acknowledge a write sent in the
milliseconds the kill takes, and counting that one made "follow" negative. outage_ms: from the
kill to then; follow_ms: from the moment the replica was seen promoted to then; first_error: the SQLSTATE
(or error class) of the first write that failed after the kill.
Exits 1, printing why, when no write succeeds within --give-up seconds of the promotion.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg


class Writer(threading.Thread):
    def __init__(self, dsn):
        super().__init__(daemon=True)
        self.dsn = dsn
        self.stop = threading.Event()
        self.acknowledged = []  # (sent, acknowledged, server port): each write a server acknowledged, monotonic times
        self.failed = []  # (monotonic time, SQLSTATE or error class)

    def run(self):
        conn = None
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=2)
                sent = time.monotonic()
                port = conn.execute("insert into failover_probe (at) values (now()) returning inet_server_port()").fetchone()[0]
                self.acknowledged.append((sent, time.monotonic(), port))
            except psycopg.Error as e:
                self.failed.append((time.monotonic(), e.sqlstate or type(e).__name__))
                if conn is not None:
                    conn.close()
                conn = None
                # Connection refused comes back at once: without a pause the loop would only spin.
                time.sleep(0.005)
        if conn is not None:
            conn.close()

    def first_ack_from(self, port):
        return next((acked for sent, acked, server in self.acknowledged if server == port), None)


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except FileNotFoundError:
        return []


def kill_server(postmaster_pid):
    for pid in [postmaster_pid] + children(postmaster_pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_until_promoted(replica, give_up):
    """The moment the replica, polled on a connection opened beforehand, is out of recovery."""
    deadline = time.monotonic() + give_up
    while time.monotonic() < deadline:
        if not replica.execute("select pg_is_in_recovery()").fetchone()[0]:
            return time.monotonic()
        time.sleep(0.002)
    sys.exit(f"the replica was not promoted within {give_up:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--replica-dsn", required=True, help="a direct connection to the replica, to see it promoted")
    parser.add_argument("--primary-pid", type=int, required=True, help="the primary's postmaster")
    parser.add_argument("--warm-up", type=float, default=2.0)
    parser.add_argument("--give-up", type=float, default=60.0)
    parser.add_argument("--after-promote", help="a shell command run once the promotion is done")
    parser.add_argument("promote", nargs=argparse.REMAINDER, help="-- and the command that promotes the replica")
    args = parser.parse_args()
    promote = args.promote[1:] if args.promote[:1] == ["--"] else args.promote
    if not promote:
        parser.error("give the promote command after --")

    writer = Writer(args.dsn)
    writer.start()
    deadline = time.monotonic() + 30
    while not writer.acknowledged and time.monotonic() < deadline:
        time.sleep(0.05)
    if not writer.acknowledged:
        writer.stop.set()
        sys.exit(f"no write succeeded through {args.dsn} before the failover: {writer.failed[-1:] or 'no answer'}")
    time.sleep(args.warm_up)

    # Opened before the kill: connecting afterwards would see the promotion late by its own set-up.
    replica = psycopg.connect(args.replica_dsn, autocommit=True)
    replica_port = int(replica.execute("select inet_server_port()").fetchone()[0])
    killed = time.monotonic()
    kill_server(args.primary_pid)
    subprocess.run(promote, check=True, stdout=subprocess.DEVNULL)
    promoted = wait_until_promoted(replica, args.give_up)
    replica.close()
    if args.after_promote:
        subprocess.run(args.after_promote, shell=True, check=True)

    while writer.first_ack_from(replica_port) is None and time.monotonic() < promoted + args.give_up:
        time.sleep(0.01)
    writer.stop.set()
    writer.join(timeout=10)
    resumed = writer.first_ack_from(replica_port)
    if resumed is None:
        sys.exit(f"no write succeeded within {args.give_up:.0f} s of the promotion; "
                 f"last error: {writer.failed[-1][1] if writer.failed else 'none'}")
    failed_after_kill = [f for f in writer.failed if f[0] > killed]
    first_error = failed_after_kill[0][1] if failed_after_kill else ""
    print(f"{round((resumed - killed) * 1000)},{round((resumed - promoted) * 1000)},"
          f"{len(writer.acknowledged)},{len(failed_after_kill)},{first_error}")


if __name__ == "__main__":
    main()
