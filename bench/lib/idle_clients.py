#!/usr/bin/env python3
"""Resident memory a pooler spends per idle client connection.

Opens COUNT client connections to 127.0.0.1:PORT (user postgres, database bench, trust
authentication), has each run one SELECT 1 so it has been used like a real client's, then leaves
them all idle and reads the pooler's resident memory (VmRSS of PID) before and after.

Prints one CSV fragment: clients,rss_before_kib,rss_after_kib,kib_per_client
Exits 1 with a message on stderr if a connection fails.
"""
import argparse
import asyncio
import struct
import sys

PROTOCOL_V3 = 196608
# Connections being opened at once: enough to be quick, few enough not to look like a flood.
CONCURRENT_LOGINS = 64
# After the last connection, the pooler's memory settles (lazy allocation, a JVM's GC).
SETTLE_SECONDS = 3


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def startup_message(user, database):
    body = struct.pack("!I", PROTOCOL_V3)
    for key, value in (("user", user), ("database", database)):
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def query_message(sql):
    body = sql.encode() + b"\0"
    return b"Q" + struct.pack("!I", len(body) + 4) + body


async def read_until_ready(reader):
    """Reads messages until ReadyForQuery; raises on an ErrorResponse or an authentication request."""
    while True:
        header = await reader.readexactly(5)
        kind, length = header[:1], struct.unpack("!I", header[1:])[0]
        body = await reader.readexactly(length - 4)
        if kind == b"Z":
            return
        if kind == b"E":
            fields = dict((f[:1], f[1:].decode(errors="replace")) for f in body.split(b"\0") if f)
            raise RuntimeError(f"server error {fields.get(b'C', '?')}: {fields.get(b'M', '?')}")
        if kind == b"R" and struct.unpack("!I", body[:4])[0] != 0:
            raise RuntimeError("the pooler asked for a password; this test expects trust authentication")


async def open_idle_client(port, gate):
    async with gate:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(startup_message("postgres", "bench"))
        await read_until_ready(reader)
        writer.write(query_message("SELECT 1"))
        await read_until_ready(reader)
        return writer


async def run(port, count, pid):
    before = rss_kib(pid)
    gate = asyncio.Semaphore(CONCURRENT_LOGINS)
    results = await asyncio.gather(*(open_idle_client(port, gate) for _ in range(count)), return_exceptions=True)
    writers = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    try:
        if errors:
            raise RuntimeError(f"{len(errors)} of {count} connections failed, first: {errors[0]!r}")
        await asyncio.sleep(SETTLE_SECONDS)
        after = rss_kib(pid)
        print(f"{count},{before},{after},{(after - before) / count:.2f}")
    finally:
        for writer in writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the pooler's process")
    args = parser.parse_args()
    try:
        asyncio.run(run(args.port, args.count, args.pid))
    except Exception as e:  # one line for the bench log, not a traceback
        print(f"idle_clients: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
