#!/usr/bin/env python3
"""Turns bench/run's raw measurements into results.md and results.png.

Inputs (written by bench/run):
  --runs  runs.csv   one row per pgbench run (scenario, round, target, status, tps, latencies, CPU)
  --idle  idle.csv   one row per target of the idle-client memory test
  --failover failover.csv  one row per target and round of the failover test
  --meta  meta.tsv   key<TAB>value: the command, machine, versions, settings
Every figure in the output is the median over the rounds of the same scenario and target.
"""
import argparse
import csv
import statistics
from collections import OrderedDict

TARGETS = ["direct", "pgbouncer", "pgpool", "poolkeeper"]
POOLERS = ["pgbouncer", "pgpool", "poolkeeper"]
COLOURS = {"pgbouncer": "#4c72b0", "pgpool": "#8c8c8c", "poolkeeper": "#dd8452"}
SCRIPT_TITLE = {"select-only": "select-only (-S)", "tpcb-like": "TPC-B-like"}
SCRIPT_SHORT = {"select-only": "-S", "tpcb-like": "TPC-B"}


class Rounds:
    """The rounds of one target that succeeded, and what to show when none did."""

    def __init__(self, rows):
        self.rows = [r for r in rows if r["status"] == "ok"]
        self.count = len(self.rows)
        self.status = "ok" if self.rows else rows[0]["status"]  # all failed, or n/a
        self.note = next((r["note"] for r in rows if r["note"]), "")

    def median(self, field):
        values = [float(r[field]) for r in self.rows if r[field] != ""]
        return statistics.median(values) if values else None


class Cell:
    """One target in one scenario: the median of its successful rounds, or why there is none."""

    def __init__(self, rows):
        self.rows = rows
        ok = Rounds(rows)
        self.ok_rounds, self.rounds, self.status, self.note = ok.count, len(rows), ok.status, ok.note
        self.failed_rounds = sum(1 for r in rows if r["status"] == "failed")
        median = ok.median

        self.tps = median("tps")
        self.latency_avg = median("latency_avg_ms")
        self.latency_p99 = median("latency_p99_ms")
        self.connection_avg = median("connection_avg_ms")
        self.cpu_us = median("cpu_us_per_txn")

    @property
    def measured(self):
        return self.tps is not None


class Scenario:
    def __init__(self, key, rows):
        self.key = key
        first = rows[0]
        self.script, self.protocol, self.clients = first["script"], first["protocol"], int(first["clients"])
        self.cells = OrderedDict()
        for target in TARGETS:
            mine = [r for r in rows if r["target"] == target]
            if mine:
                self.cells[target] = Cell(mine)

    @property
    def title(self):
        if self.protocol == "connect":
            protocol = "-C (a new connection per transaction, -M simple)"
        else:
            protocol = f"-M {self.protocol}"
        return f"{SCRIPT_TITLE[self.script]} · {protocol} · {self.clients} clients"

    @property
    def label(self):
        protocol = "-C" if self.protocol == "connect" else self.protocol
        return f"{SCRIPT_SHORT[self.script]} {protocol}\n{self.clients} clients"

    @property
    def short(self):
        protocol = "-C" if self.protocol == "connect" else f"-M {self.protocol}"
        return f"{SCRIPT_SHORT[self.script]} {protocol} -c {self.clients}"

    def tps(self, target):
        cell = self.cells.get(target)
        return cell.tps if cell else None

    def ratio(self, target, baseline):
        a, b = self.tps(target), self.tps(baseline)
        return a / b if a is not None and b else None


def read_scenarios(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    grouped = OrderedDict()
    for row in rows:
        grouped.setdefault(row["scenario"], []).append(row)
    return [Scenario(key, rows) for key, rows in grouped.items()]


def read_idle(path):
    with open(path, newline="") as f:
        return {row["target"]: row for row in csv.DictReader(f)}


class Failover:
    """One target's failovers: medians over the rounds where writes came back."""

    def __init__(self, rows):
        ok = Rounds(rows)
        self.rounds, self.ok_rounds, self.status, self.note = len(rows), ok.count, ok.status, ok.note
        self.first_error = next((r["first_error"] for r in ok.rows if r["first_error"]), "")
        self.follow_ms = ok.median("follow_ms")
        self.outage_ms = ok.median("outage_ms")
        self.writes_failed = ok.median("writes_failed")
        follows = [float(r["follow_ms"]) for r in ok.rows]
        self.follow_range = (min(follows), max(follows)) if follows else None


def read_failover(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    grouped = OrderedDict()
    for row in rows:
        grouped.setdefault(row["target"], []).append(row)
    return {target: Failover(rows) for target, rows in grouped.items()}


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    return meta


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

def num(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def times(value):
    return "—" if value is None else f"{value:.2f}×"


def not_measured(cell):
    """What a table shows instead of a number: failed (with why, in a note) or n/a."""
    if cell is None:
        return "not run"
    return "failed" if cell.status == "failed" else "n/a"


def ratio_cell(scenario, target, baseline):
    cell = scenario.cells.get(target)
    if cell is None:
        return "not run"
    if not cell.measured:
        return not_measured(cell)
    return times(scenario.ratio(target, baseline))


# ---------------------------------------------------------------------------------------------
# The bars of issue 4
# ---------------------------------------------------------------------------------------------

def find(scenarios, script, protocol, clients):
    return next((s for s in scenarios if (s.script, s.protocol, s.clients) == (script, protocol, clients)), None)


def bars(scenarios, idle):
    """(bar, measured, needed, met) for each bar of issue 4 this run can speak to."""
    out = []

    def ratio_bar(text, a, b, target_a, target_b, needed):
        if a is None or b is None or a.tps(target_a) is None or b.tps(target_b) is None:
            why = "not measured in this run"
            if a is not None and target_a in a.cells and not a.cells[target_a].measured:
                why = f"{target_a}: {not_measured(a.cells[target_a])}"
            out.append((text, why, f"≥ {needed:.2f}×", "no" if "failed" in why else "—"))
            return
        value = a.tps(target_a) / b.tps(target_b)
        out.append((text, f"{value:.2f}× ({a.tps(target_a):,.0f} vs {b.tps(target_b):,.0f} tps)",
                    f"≥ {needed:.2f}×", "yes" if value >= needed else "no"))

    s20 = find(scenarios, "select-only", "simple", 20)
    ratio_bar("`-S -M simple -c 20`: poolkeeper ÷ pgbouncer", s20, s20, "poolkeeper", "pgbouncer", 1.0)
    s1000 = find(scenarios, "select-only", "simple", 1000)
    ratio_bar("`-S -c 1000`: poolkeeper ÷ pgbouncer", s1000, s1000, "poolkeeper", "pgbouncer", 1.2)
    p20 = find(scenarios, "select-only", "prepared", 20)
    ratio_bar("`-S -M prepared -c 20`: poolkeeper ÷ pgbouncer's `-M simple`", p20, s20, "poolkeeper", "pgbouncer", 1.1)
    c20 = find(scenarios, "select-only", "connect", 20)
    ratio_bar("`-S -C -c 20`: poolkeeper ÷ direct", c20, c20, "poolkeeper", "direct", 10.0)
    t20 = find(scenarios, "tpcb-like", "simple", 20)
    ratio_bar("TPC-B-like `-c 20`: poolkeeper ÷ pgbouncer", t20, t20, "poolkeeper", "pgbouncer", 0.95)

    worst = None
    for s in scenarios:
        if s.clients != 20:
            continue
        pk, pb = s.cells.get("poolkeeper"), s.cells.get("pgbouncer")
        if pk and pb and pk.latency_p99 and pb.latency_p99:
            r = pk.latency_p99 / pb.latency_p99
            if worst is None or r > worst[0]:
                worst = (r, s, pk.latency_p99, pb.latency_p99)
    if worst:
        r, s, a, b = worst
        out.append(("p99 latency at `-c 20`: poolkeeper ÷ pgbouncer (the worst scenario)",
                    f"{r:.2f}× in `{s.short}` ({a:.2f} vs {b:.2f} ms)", "≤ 1.20×", "yes" if r <= 1.2 else "no"))
    else:
        out.append(("p99 latency at `-c 20`: poolkeeper ÷ pgbouncer", "not measured in this run", "≤ 1.20×", "—"))

    row = idle.get("poolkeeper")
    if row and row["status"] == "ok":
        kib = float(row["kib_per_client"])
        out.append(("resident memory per idle client: poolkeeper", f"{kib:.1f} KiB ({row['clients']} clients)",
                    "≤ 16 KiB", "yes" if kib <= 16 else "no"))
    else:
        out.append(("resident memory per idle client: poolkeeper", "not measured in this run", "≤ 16 KiB", "—"))
    return out


# ---------------------------------------------------------------------------------------------
# results.md
# ---------------------------------------------------------------------------------------------

FOLLOWER = {"direct": "libpq", "pgbouncer": "an external agent", "pgpool": "nothing: raw mode", "poolkeeper": "itself"}
FOLLOWED_BY = {
    "direct": "libpq itself (both servers, `target_session_attrs=read-write`)",
    "pgbouncer": "an external agent (played by the script: repoints and reloads it the moment the promotion returns)",
    "poolkeeper": "the sidecar itself (its probes, default interval)",
}


def failover_section(failover):
    lines = ["## Time to follow a failover", ""]
    add = lines.append
    if not failover:
        add("Not measured in this run.")
        add("")
        return "\n".join(lines)
    add("A fresh primary and streaming replica per target and round; one client writes through the "
        "target in a loop (an autocommit INSERT at a time, reconnecting after any error); the "
        "primary dies (SIGKILL to every one of its processes) and the replica is promoted at once "
        "(`pg_ctl promote`). Follow: from the moment a direct connection finds the replica out of "
        "recovery to the first write the promoted server acknowledged (each INSERT returns the "
        "port of the server that ran it, so a write the dying primary still took is not counted). "
        "Outage: from the "
        "kill to that write (it includes the promotion itself, the same for all). Median over the "
        "rounds (bench/lib/failover.py). Every target runs with its defaults: the sidecar probes "
        "every 2 s; PgBouncer, once a connection to the dead primary has failed, waits "
        "`server_login_retry` (15 s) before it tries a server again, also after the reload that "
        "repoints it.")
    add("")
    add("| target | follow (ms) | range (ms) | outage (ms) | writes failed | first error | followed by | rounds ok |")
    add("|---|---|---|---|---|---|---|---|")
    for target in TARGETS:
        f = failover.get(target)
        if f is None:
            continue
        if f.status == "ok":
            low, high = f.follow_range
            add(f"| {target} | {num(f.follow_ms)} | {low:,.0f}–{high:,.0f} | {num(f.outage_ms)} | {num(f.writes_failed)} | "
                f"{f.first_error or '—'} | {FOLLOWED_BY.get(target, '')} | {f.ok_rounds}/{f.rounds} |")
        else:
            rounds = "—" if f.status == "n/a" else f"{f.ok_rounds}/{f.rounds}"
            add(f"| {target} | {f.status} | — | — | — | {f.note} | {FOLLOWED_BY.get(target, '—')} | {rounds} |")
    add("")
    return "\n".join(lines)


def markdown(scenarios, idle, failover, meta):
    pooled = [t for t in POOLERS if any(t in s.cells for s in scenarios)]
    lines = []
    add = lines.append
    smoke = meta.get("mode") == "smoke"

    add("# Benchmark results: Poolkeeper beside PgBouncer and pgpool-II")
    add("")
    if smoke:
        add("**A smoke run: its figures are too short to mean anything; it only shows the suite works.**")
        add("")
    add(f"Made by `{meta['command']}` on {meta['date']} (the whole run took {meta['elapsed']}). "
        f"Every figure is the median of {meta['rounds']} round(s) of {meta['duration']} s per pgbench run; "
        f"within a round the targets ran one after another, so the ratios compare runs made side by "
        f"side on the same machine. Each run, round by round: [`results-runs.csv`](results-runs.csv).")
    add("")
    add(f"Each pooler has the same {meta['pool_size']} server connections. pgbench runs on the same "
        f"machine (`-j 2`), so what a proxy spends per transaction is taken from pgbench and PostgreSQL.")
    add("")

    add("## Summary: throughput relative to direct connections")
    add("")
    header = "| scenario | direct tps | " + " | ".join(f"{t} ÷ direct" for t in pooled)
    if "poolkeeper" in pooled and "pgbouncer" in pooled:
        header += " | poolkeeper ÷ pgbouncer"
    add(header + " |")
    add("|" + "---|" * (header.count("|")))
    for s in scenarios:
        direct = s.cells.get("direct")
        direct_text = num(direct.tps) if direct and direct.measured else not_measured(direct)
        row = f"| `{s.short}` | {direct_text} | " + " | ".join(ratio_cell(s, t, "direct") for t in pooled)
        if "poolkeeper" in pooled and "pgbouncer" in pooled:
            row += " | " + (times(s.ratio("poolkeeper", "pgbouncer")) if s.ratio("poolkeeper", "pgbouncer") else "—")
        add(row + " |")
    add("")
    add("“failed”: the pooler ran the scenario and pgbench's clients got errors; “n/a”: the pooler "
        "cannot be set up to run it. Why, in each case, is under the scenario below.")
    add("")

    if "poolkeeper" in pooled:
        add("## The bars of issue 4")
        add("")
        add("| bar | measured | needed | met |")
        add("|---|---|---|---|")
        for bar, measured, needed, met in bars(scenarios, idle):
            add(f"| {bar} | {measured} | {needed} | {met} |")
        add("")

    add("## Memory per idle client")
    add("")
    add(f"{meta['idle_clients']} client connections opened to each pooler, each logged in and ran "
        "one `SELECT 1`, then all stayed idle; the pooler's resident memory (VmRSS) before they "
        "connected and 3 s after the last one, the growth divided by their number. Each pooler was "
        "restarted for this, after the benchmark, so that the clients cannot hide in memory the "
        "benchmark had already made resident; for the JVM the growth also counts garbage not yet "
        "collected, so the figure errs on the high side.")
    add("")
    add("| target | KiB per idle client | RSS before → after (KiB) | note |")
    add("|---|---|---|---|")
    for target in TARGETS:
        row = idle.get(target)
        if not row:
            continue
        if row["status"] == "ok":
            add(f"| {target} | {float(row['kib_per_client']):.1f} | {int(row['rss_before_kib']):,} → "
                f"{int(row['rss_after_kib']):,} | |")
        else:
            add(f"| {target} | {row['status']} | — | {row['note']} |")
    add("")

    add(failover_section(failover))

    add("## Each scenario")
    add("")
    add("tps: pgbench's, without the initial connection time (under `-C`, including reconnecting). "
        "Latency avg: pgbench's average, the run time × clients ÷ transactions (under `-C`, with "
        "the reconnect). p99: from pgbench's per-transaction log (`-l`, "
        f"{float(meta['sampling_rate']):.0%} of transactions sampled), the transaction alone. "
        "Proxy CPU: the pooler's user + system CPU time over the run (`/proc/PID/stat`; pgpool-II: "
        "the parent and all its processes) divided by the transactions pgbench completed.")
    add("")
    for s in scenarios:
        add(f"### {s.title}")
        add("")
        connect = s.protocol == "connect"
        cols = ["target", "tps", "× direct", "× pgbouncer", "latency avg (ms)", "p99 (ms)"]
        if connect:
            cols.append("connect avg (ms)")
        cols += ["proxy CPU (µs/txn)", "rounds ok"]
        add("| " + " | ".join(cols) + " |")
        add("|" + "---|" * len(cols))
        notes = []
        for target, cell in s.cells.items():
            if cell.measured:
                values = [target, num(cell.tps),
                          times(s.ratio(target, "direct")) if target != "direct" else "1.00×",
                          times(s.ratio(target, "pgbouncer")) if "pgbouncer" in s.cells and s.cells["pgbouncer"].measured else "—",
                          num(cell.latency_avg, 3), num(cell.latency_p99, 3)]
                if connect:
                    values.append(num(cell.connection_avg, 3))
                values += [num(cell.cpu_us, 1), f"{cell.ok_rounds}/{cell.rounds}"]
                if cell.failed_rounds:
                    notes.append(f"{target}: {cell.failed_rounds} of {cell.rounds} rounds failed: {cell.note}")
            else:
                values = [target, not_measured(cell)] + ["—"] * (len(cols) - 3) + [f"0/{cell.rounds}"]
                notes.append(f"{target} {not_measured(cell)}: {cell.note}")
            add("| " + " | ".join(values) + " |")
        add("")
        for note in notes:
            add(f"- {note}")
        if notes:
            add("")

    add("## Machine and versions")
    add("")
    add(f"- Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['memory']} memory; {meta['os']}. "
        "Shared with other work, which is why only ratios from one run are compared.")
    for key, name in [("postgresql", "PostgreSQL"), ("pgbench", "pgbench"), ("pgbouncer", "PgBouncer"),
                      ("pgpool", "pgpool-II"), ("java", "Java"), ("poolkeeper_commit", "Poolkeeper commit")]:
        if key in meta:
            add(f"- {name}: {meta[key]}")
    add("")

    add("## Setup")
    add("")
    add(f"- PostgreSQL: a fresh cluster on loopback, `max_connections = {meta['max_connections']}`, "
        "`shared_buffers = 512MB`, `synchronous_commit = off`, no checkpoint within a run; "
        f"`pgbench -i -s {meta['scale']}`. Before each TPC-B-like run, `pgbench_branches` and "
        "`pgbench_tellers` are vacuumed and `pgbench_history` truncated (what pgbench does unless "
        "`-n`, done here directly rather than through a pooler).")
    add(f"- pgbench: `-n -j 2 -T {meta['duration']}`, `-b select-only` or `-b tpcb-like`, over TCP to 127.0.0.1.")
    add(f"- PgBouncer: `pool_mode = transaction`, `default_pool_size = {meta['pool_size']}`, "
        "`auth_type = trust`, connection logging off, everything else its defaults.")
    add(f"- pgpool-II: `backend_clustering_mode = raw`, `num_init_children = {meta['pool_size']}`, "
        "`max_pool = 1`, `connection_cache = on`, load balancing and health checks off. pgpool-II "
        "cannot pool by transaction: a client keeps one of its processes (and that process's "
        "server connection) for its whole session, and the cached server connection goes to the "
        "next client only when it disconnects. So it takes part where that is the same job, up to "
        f"{meta['pool_size']} clients (more would need as many processes and server connections "
        "as clients). With `-C` at more clients it would do the job, but pgbench cannot drive it: "
        "the clients beyond its processes wait in its listen queue, and pgbench connects "
        "synchronously, so a pgbench thread waiting there stalls its other clients, which hold all "
        "of pgpool's processes; the run deadlocks (tried: it hangs until killed).")
    if "sidecar_flags" in meta:
        add(f"- Poolkeeper: `{meta['sidecar_flags']}`; JVM options: {meta['java_opts']}. "
            "`--acquire-timeout 120s` is PgBouncer's `query_wait_timeout`; the rest are the "
            "sidecar's defaults. Before the runs, every target got a 5 s unrecorded pgbench run "
            "per protocol, so the JVM's JIT has compiled the hot path before anything counts "
            "(full runs only).")
    add("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# results.png
# ---------------------------------------------------------------------------------------------

def chart(scenarios, idle, failover, meta, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pooled = [t for t in POOLERS if any(t in s.cells for s in scenarios)]
    steady = [s for s in scenarios if s.protocol != "connect"]
    connect = [s for s in scenarios if s.protocol == "connect"]

    fig = plt.figure(figsize=(max(12, 1.25 * len(steady) + 3), 18), layout="constrained")
    grid = fig.add_gridspec(4, 2, height_ratios=[1.2, 1, 1, 1])
    title = "Poolkeeper beside PgBouncer and pgpool-II (pgbench, one run, medians)"
    if meta.get("mode") == "smoke":
        title += " — SMOKE RUN, figures meaningless"
    fig.suptitle(f"{title}\n{meta['nproc']} CPUs, {meta['date']}, pool size {meta['pool_size']}, "
                 f"{meta['rounds']}×{meta['duration']} s per run", fontsize=13)

    def grouped(ax, groups, value, fmt, ylabel, heading, reference=None):
        width = 0.8 / max(1, len(pooled))
        for i, target in enumerate(pooled):
            xs = [g + (i - (len(pooled) - 1) / 2) * width for g in range(len(groups))]
            for x, s in zip(xs, groups):
                cell = s.cells.get(target)
                v = value(s, target) if cell else None
                if v is None:
                    # Say why there is no bar rather than leaving a gap that looks like zero.
                    ax.text(x, 0, " " + not_measured(cell), rotation=90, ha="center", va="bottom",
                            fontsize=8, color=COLOURS[target])
                    continue
                ax.bar(x, v, width, color=COLOURS[target])
                ax.text(x, v, fmt(v), ha="center", va="bottom", fontsize=7, rotation=90 if len(groups) > 6 else 0)
        if reference is not None:
            ax.axhline(reference, color="black", linewidth=1, linestyle="--")
            ax.text(-0.5, reference, " direct = 1", va="bottom", ha="left", fontsize=8)
        ax.set_xticks(range(len(groups)), [s.label for s in groups], fontsize=8)
        ax.set_ylabel(ylabel)
        ax.set_title(heading, fontsize=11, loc="left")
        ax.margins(y=0.15)
        ax.grid(axis="y", alpha=0.3)

    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[t]) for t in pooled]

    ax = fig.add_subplot(grid[0, :])
    grouped(ax, steady, lambda s, t: s.ratio(t, "direct"), lambda v: f"{v:.2f}",
            "tps ÷ direct tps", "Throughput relative to direct connections (higher is better)", reference=1.0)
    ax.legend(handles, pooled, loc="upper right", ncols=len(pooled))

    ax = fig.add_subplot(grid[1, :])
    grouped(ax, steady, lambda s, t: s.cells[t].cpu_us, lambda v: f"{v:.1f}",
            "µs of proxy CPU per transaction", "Proxy CPU per transaction (lower is better)")
    ax.legend(handles, pooled, loc="upper right", ncols=len(pooled))

    ax = fig.add_subplot(grid[2, 0])
    if connect:
        grouped(ax, connect, lambda s, t: s.ratio(t, "direct"), lambda v: f"{v:.1f}",
                "tps ÷ direct tps", "A new connection per transaction (-C), relative to direct", reference=1.0)
    else:
        ax.axis("off")

    ax = fig.add_subplot(grid[2, 1])
    shown = [t for t in pooled if t in idle]
    for i, target in enumerate(shown):
        row = idle[target]
        if row["status"] == "ok":
            v = float(row["kib_per_client"])
            ax.bar(i, v, 0.6, color=COLOURS[target])
            ax.text(i, v, f"{v:.1f}", ha="center", va="bottom", fontsize=9)
        else:
            ax.text(i, 0, " " + row["status"], rotation=90, ha="center", va="bottom", fontsize=9, color=COLOURS[target])
    ax.set_xticks(range(len(shown)), shown)
    ax.set_ylabel("KiB of resident memory")
    ax.set_title(f"Memory per idle client ({meta['idle_clients']} clients; lower is better)", fontsize=11, loc="left")
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)

    ax = fig.add_subplot(grid[3, :])
    shown = [t for t in TARGETS if t in failover]
    for i, target in enumerate(shown):
        f = failover[target]
        colour = COLOURS.get(target, "black")
        if f.status == "ok":
            ax.bar(i, f.follow_ms / 1000, 0.6, color=colour)
            ax.text(i, f.follow_ms / 1000, f"{f.follow_ms / 1000:.2f} s", ha="center", va="bottom", fontsize=9)
        else:
            ax.text(i, 0, " " + f.status, rotation=90, ha="center", va="bottom", fontsize=9, color=colour)
    ax.set_xticks(range(len(shown)), [f"{t}\n(followed by {FOLLOWER.get(t, '—')})" for t in shown], fontsize=8)
    ax.set_ylabel("seconds")
    ax.set_title("Time to follow a failover: promotion to the first write acknowledged (lower is better)", fontsize=11, loc="left")
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)

    fig.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", required=True)
    parser.add_argument("--idle", required=True)
    parser.add_argument("--failover", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--out", required=True, help="directory for results.md and results.png")
    args = parser.parse_args()
    scenarios = read_scenarios(args.runs)
    idle = read_idle(args.idle)
    meta = read_meta(args.meta)
    failover = read_failover(args.failover)
    with open(f"{args.out}/results.md", "w") as f:
        f.write(markdown(scenarios, idle, failover, meta))
    chart(scenarios, idle, failover, meta, f"{args.out}/results.png")


if __name__ == "__main__":
    main()
