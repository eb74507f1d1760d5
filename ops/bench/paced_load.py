#!/usr/bin/env python3
"""Open-loop HTTP load at a fixed rate, as wrk2 does: requests are sent on a schedule that
does not wait for answers, and each latency is measured from the moment the request was
due, so a stalled server cannot hide its queue (no coordinated omission).

Usage: paced_load.py --url http://127.0.0.1:8099/path --rate 1000 --seconds 20 [--warmup 3]
       [--header 'Authorization: Bearer …'] [--body-file bodies.jsonl] [--connections 64]
With --body-file, requests are POSTs cycling through its lines. Prints throughput, p50,
p90, p99, p99.9 and max latency in milliseconds, and the count of non-2xx answers.
"""
import argparse, asyncio, sys, time
from urllib.parse import urlsplit


async def send(reader, writer, request):
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--body-file")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    url = urlsplit(args.url)
    path = url.path + ("?" + url.query if url.query else "")
    bodies = [line.strip().encode() for line in open(args.body_file) if line.strip()] if args.body_file else [None]
    headers = "".join(h + "\r\n" for h in args.header)
    requests = []
    for body in bodies:
        if body is None:
            requests.append(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\n{headers}\r\n".encode())
        else:
            head = f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n{headers}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            requests.append(head.encode() + body)

    idle = asyncio.Queue()
    for _ in range(args.connections):
        idle.put_nowait(await asyncio.open_connection(url.hostname, url.port or 80))
    latencies, failures = [], 0
    start = time.perf_counter() + 0.2
    total = int((args.warmup + args.seconds) * args.rate)
    measured_from = args.warmup * args.rate

    async def one(index, due):
        nonlocal failures
        connection = await idle.get()
        try:
            status = await send(*connection, requests[index % len(requests)])
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            status = 0
            connection = await asyncio.open_connection(url.hostname, url.port or 80)
        idle.put_nowait(connection)
        if index >= measured_from:
            latencies.append(time.perf_counter() - due)
            if not 200 <= status < 300:
                failures += 1

    tasks = []
    for index in range(total):
        due = start + index / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start - args.warmup
    latencies.sort()
    if not latencies:
        sys.exit("no request was measured")
    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
    print(f"requests: {len(latencies)} in {elapsed:.1f} s ({len(latencies) / max(elapsed, 1e-9):.0f}/s at a target of {args.rate:.0f}/s), non-2xx: {failures}")
    print(f"latency ms: p50 {pct(50):.2f}  p90 {pct(90):.2f}  p99 {pct(99):.2f}  p99.9 {pct(99.9):.2f}  max {latencies[-1] * 1000:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
