"""Opens many TCP connections to the signing IP at once, as a guest would, for the interceptor tests.

  many_connections.py HOST PORT COUNT serve   connect all, then one GET /vnic/v1/ping on each; prints a JSON summary
  many_connections.py HOST PORT COUNT idle    connect all, print READY, hold them until stdin closes
"""
import asyncio, json, resource, sys

host, port, count, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 256)), hard))

async def connect(sem):
    async with sem:
        for attempt in range(5):
            try:
                return await asyncio.wait_for(asyncio.open_connection(host, port), 20)
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.2 * (attempt + 1))
        return None

async def ping(conn):
    reader, writer = conn
    writer.write(b"GET /vnic/v1/ping HTTP/1.1\r\nHost: signing\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    body = await asyncio.wait_for(reader.readexactly(length), 30)
    return head.startswith(b"HTTP/1.1 200") and body == b'{"ok":true}'

async def main():
    sem = asyncio.Semaphore(512)            # connects in flight, like a client's own backlog
    conns = await asyncio.gather(*(connect(sem) for _ in range(count)))
    live = [c for c in conns if c is not None]
    if mode == "serve":
        results = await asyncio.gather(*(ping(c) for c in live), return_exceptions=True)
        ok = sum(1 for r in results if r is True)
        print(json.dumps({"connected": len(live), "ok": ok}), flush=True)
    else:
        print(f"READY {len(live)}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for _, w in live:
        w.close()

asyncio.run(main())
