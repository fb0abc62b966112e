#!/usr/bin/env python3
"""Failed token guesses at serve-accept on 127.0.0.1, each from its own
forwarded address (10.x.y.z), paced at RATE per second over CONNECTIONS
keep-alive connections. Stops after COUNT requests; prints what it got.

Usage: spray.py PORT COUNT RATE CONNECTIONS [FIRST] [PATH]
(FIRST: the number of the first address, so that runs can use distinct ones.
PATH: /healthz for a control spray that costs the client the same and the
limiter nothing; default a failed token guess at /accept.)
"""
import asyncio
import collections
import sys
import time


async def worker(port, first, count, step, interval, start, statuses, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for n in range(count):
        i = first + n * step
        delay = start + n * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        address = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
        writer.write(
            f"GET {path or f'/accept?token=guess{i}'} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"X-Forwarded-For: {address}\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        statuses[head[9:12].decode()] += 1
    writer.close()


async def main():
    port, count, rate, connections = (int(a) for a in sys.argv[1:5])
    first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    path = sys.argv[6] if len(sys.argv) > 6 else None
    statuses = collections.Counter()
    start = time.monotonic()
    per = count // connections
    await asyncio.gather(*(
        worker(port, first + c, per, connections, connections / rate, start, statuses, path)
        for c in range(connections)
    ))
    elapsed = time.monotonic() - start
    total = sum(statuses.values())
    print(f"spray: {total} requests from {total} addresses in {elapsed:.1f}s "
          f"({total / elapsed:.0f}/s): {dict(statuses)}")


asyncio.run(main())
