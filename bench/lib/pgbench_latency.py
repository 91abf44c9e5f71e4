#!/usr/bin/env python3
"""Prints the 99th percentile latency in ms of the transactions in pgbench's per-transaction logs.

Usage: pgbench_latency.py LOGFILE...   (the files pgbench -l --log-prefix wrote, one per thread)

Each log line is "client_id transaction_no time script_no time_epoch time_us [...]", where time is
the transaction's latency in microseconds (not counting connecting, under -C). Lines whose time is
not a number (failed or skipped transactions) are left out. Prints nothing when there are no
samples, so the caller records the p99 as missing rather than as zero.
"""
import math
import sys


def latencies_us(paths):
    for path in paths:
        with open(path, encoding="ascii", errors="replace") as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    yield int(fields[2])


def percentile(sorted_values, fraction):
    """Nearest-rank percentile: the smallest value with at least `fraction` of samples at or below it."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def main(paths):
    values = sorted(latencies_us(paths))
    if values:
        print(f"{percentile(values, 0.99) / 1000:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
