/// The Python clients of the HTTP scenarios that hold many connections (idle, slow senders, webhooks
/// timed from connect to answer), written to the bench's folder and run as child processes: their
/// memory and threads are never the server's. Standard library only.
let benchClientsPython = #"""
    # Clients for memberledger-bench's HTTP scenarios, run as child processes so that their memory and
    # threads never count as the server's. Standard library only.
    #
    #   idle PORT COUNT                          open COUNT keep-alive connections, one GET /healthz answered
    #                                            on each; print "open ...", hold them until stdin closes, then
    #                                            print how many the server still held open
    #   slow PORT COUNT SECONDS SPREAD HANDSHAKE COUNT connections that send a request line and then one
    #                                            header line a second, never finishing; reconnect when closed;
    #                                            SPREAD 1: each from its own 127.0.x.y address
    #   webhooks PORT RATE SECONDS HANDSHAKE     aal_updateuser webhooks at RATE a second, each on a new
    #                                            connection (as a CRM sends them), timed from connect to answer
    import asyncio
    import json
    import os
    import resource
    import socket
    import sys
    import threading
    import time


    def raise_descriptor_limit():
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


    def read_response(sock):
        """Reads one response framed by Content-Length; returns its status and headers."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before an answer" if not data else "closed mid-answer")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed mid-body")
            rest += chunk
        return status, headers


    def error_name(error):
        if isinstance(error, socket.timeout):
            return "timeout"
        return type(error).__name__


    def idle(port, count):
        raise_descriptor_limit()
        sockets = []
        statuses = {}
        errors = {}
        started = time.monotonic()
        for _ in range(count):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
                status, _ = read_response(sock)
                statuses[status] = statuses.get(status, 0) + 1
                sockets.append(sock)
            except OSError as error:
                errors[error_name(error)] = errors.get(error_name(error), 0) + 1
        opened = time.monotonic() - started
        print(json.dumps({"open": len(sockets), "seconds": round(opened, 2), "statuses": statuses, "errors": errors}),
              flush=True)
        sys.stdin.read()
        still_open = 0
        for sock in sockets:
            sock.setblocking(False)
            try:
                if sock.recv(1):
                    still_open += 1  # bytes nobody asked for: count it as open, it is not closed
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
        for sock in sockets:
            sock.close()
        print(json.dumps({"still_open": still_open}), flush=True)


    def slow(port, count, seconds, spread, handshake):
        raise_descriptor_limit()
        stats = {"connects": 0, "connect_errors": {}, "closed_by_server": 0, "answers": {}, "held": 0,
                 "most_held": 0, "started": 0}
        deadline = time.monotonic() + seconds

        async def client(index, ready):
            address = f"127.0.{1 + index // 250}.{1 + index % 250}" if spread else None
            first = True
            while time.monotonic() < deadline:
                try:
                    reader, writer = await asyncio.open_connection(
                        "127.0.0.1", port, local_addr=(address, 0) if address else None)
                except OSError as error:
                    name = error_name(error)
                    stats["connect_errors"][name] = stats["connect_errors"].get(name, 0) + 1
                    if first:
                        first = False
                        ready()
                    await asyncio.sleep(0.1)
                    continue
                stats["connects"] += 1
                stats["held"] += 1
                stats["most_held"] = max(stats["most_held"], stats["held"])
                if first:
                    first = False
                    ready()
                reading = asyncio.ensure_future(reader.read(4096))
                try:
                    writer.write(f"POST /?aal_updateuser={handshake} HTTP/1.1\r\nHost: bench\r\n".encode())
                    line = 0
                    while time.monotonic() < deadline:
                        done, _ = await asyncio.wait({reading}, timeout=1.0)
                        if done:
                            data = reading.result()
                            if data.startswith(b"HTTP/1.1 "):
                                status = data[9:12].decode()
                                stats["answers"][status] = stats["answers"].get(status, 0) + 1
                            stats["closed_by_server"] += 1
                            break
                        writer.write(b"X-Slow-%d: %d\r\n" % (line, index))
                        line += 1
                        await writer.drain()
                except OSError:
                    stats["closed_by_server"] += 1
                finally:
                    stats["held"] -= 1
                    reading.cancel()
                    writer.close()

        async def main():
            all_started = asyncio.Event()

            def ready():
                stats["started"] += 1
                if stats["started"] == count:
                    all_started.set()

            tasks = [asyncio.ensure_future(client(index, ready)) for index in range(count)]
            await all_started.wait()
            print(json.dumps({"ready": stats["held"]}), flush=True)
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run(main())
        print(json.dumps(stats), flush=True)


    def webhooks(port, rate, seconds, handshake, threads=4, members=5000):
        latencies = []
        statuses = {}
        errors = {}
        lock = threading.Lock()
        started = time.monotonic()
        end = started + seconds

        def worker(thread):
            interval = threads / rate
            next_at = started + thread * interval / threads
            sent = 0
            while True:
                now = time.monotonic()
                if now >= end:
                    return
                if next_at > now:
                    time.sleep(next_at - now)
                next_at += interval
                sent += 1
                contact = (thread * 1009 + sent * 7) % members
                body = (f"contact%5Bid%5D={contact}&contact%5Bemail%5D=w{os.getpid()}-{thread}-{sent}%40example.com"
                        "&contact%5Btags%5D=month%2C+TIER1")
                request = (f"POST /?aal_updateuser={handshake} HTTP/1.1\r\nHost: bench\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\n"
                           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}").encode()
                began = time.monotonic()
                try:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                    try:
                        sock.sendall(request)
                        status, _ = read_response(sock)
                    finally:
                        sock.close()
                    took = time.monotonic() - began
                    with lock:
                        latencies.append(took)
                        statuses[status] = statuses.get(status, 0) + 1
                except OSError as error:
                    with lock:
                        errors[error_name(error)] = errors.get(error_name(error), 0) + 1

        workers = [threading.Thread(target=worker, args=(index,)) for index in range(threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        latencies.sort()

        def percentile(fraction):
            if not latencies:
                return 0
            return latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] * 1000

        print(json.dumps({"answered": len(latencies), "statuses": statuses, "errors": errors,
                          "seconds": round(time.monotonic() - started, 2), "p50": percentile(0.5),
                          "p99": percentile(0.99), "max": latencies[-1] * 1000 if latencies else 0}), flush=True)


    if __name__ == "__main__":
        mode, arguments = sys.argv[1], sys.argv[2:]
        if mode == "idle":
            idle(int(arguments[0]), int(arguments[1]))
        elif mode == "slow":
            slow(int(arguments[0]), int(arguments[1]), float(arguments[2]), arguments[3] == "1", arguments[4])
        elif mode == "webhooks":
            webhooks(int(arguments[0]), float(arguments[1]), float(arguments[2]), arguments[3])
        else:
            sys.exit(f"unknown mode {mode}")
    """#
