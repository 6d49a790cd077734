import Foundation
import MemberLedgerTesting
import Testing

/// A raw-socket HTTP client in Python, driven step by step, for what well-behaved clients never send:
/// malformed bytes, drip-fed requests, abrupt resets, pipelined batches.
enum RawClient {
    /// One thing the client does, in order.
    enum Step: Sendable {
        /// Send these bytes with one `sendall`.
        case send([UInt8])
        /// Send `count` copies of one byte.
        case sendFill(UInt8, count: Int)
        /// Send `count` pseudo-random bytes (seeded, so a failure can be replayed).
        case sendRandom(count: Int, seed: Int)
        /// Send one byte at a time, `interval` seconds apart, stopping once a response head arrives.
        case drip([UInt8], interval: Double)
        /// Read until these bytes have arrived (or the connection ends).
        case await([UInt8])
        /// Wait, as a slow client would.
        case sleep(Double)
        /// Close the sending side only.
        case shutdownWrite
        /// Close abruptly with a TCP reset (`SO_LINGER` 0).
        case reset
        /// Close normally, without reading anything more.
        case close

        var json: [String: Any] {
            switch self {
            case .send(let bytes): ["kind": "send", "data": Data(bytes).base64EncodedString()]
            case .sendFill(let byte, let count): ["kind": "sendFill", "byte": Int(byte), "count": count]
            case .sendRandom(let count, let seed): ["kind": "sendRandom", "count": count, "seed": seed]
            case .drip(let bytes, let interval):
                ["kind": "drip", "data": Data(bytes).base64EncodedString(), "interval": interval]
            case .await(let bytes): ["kind": "await", "data": Data(bytes).base64EncodedString()]
            case .sleep(let seconds): ["kind": "sleep", "seconds": seconds]
            case .shutdownWrite: ["kind": "shutdownWrite"]
            case .reset: ["kind": "reset"]
            case .close: ["kind": "close"]
            }
        }
    }

    /// What the client saw.
    struct Exchange: Decodable, Sendable {
        /// Every byte received on the connection.
        var received: Data
        /// Whether the server closed the connection (end of file) before the client stopped reading.
        var eof: Bool
        /// Whether the connection was reset.
        var reset: Bool
        /// Whether a read ran into the client's own timeout (the server neither answered nor closed).
        var timedOut: Bool
        /// Seconds from connecting to the first byte received, if any.
        var firstByteAt: Double?
        /// Seconds from connecting to end of file, if it came.
        var eofAt: Double?
        /// For each `await` step: when it was satisfied and whether the bytes came.
        var marks: [Mark]
        /// The error a send ran into (the server closed first), if any.
        var sendError: String?
        /// The response to a normal GET on a fresh connection afterwards, when asked for.
        var followUp: Data?

        struct Mark: Decodable, Sendable {
            var at: Double
            var found: Bool
            var received: Int
        }

        /// The responses in `received`.
        func responses(headRequest: Bool = false) throws -> [ParsedResponse] {
            try ParsedResponse.parseAll([UInt8](received), headRequest: headRequest)
        }

        /// The single response in `received`.
        func response() throws -> ParsedResponse {
            let all = try responses()
            guard all.count == 1 else { throw ParsedResponse.Failure.unexpectedCount(all.count, [UInt8](received)) }
            return all[0]
        }
    }

    /// Connects to the server on `port`, runs the steps, then (unless the steps closed) reads until the
    /// server closes or `timeout` seconds pass without a byte. With `followUp`, then sends a normal GET
    /// on a new connection, to show the server still serves.
    static func exchange(port: Int, _ steps: [Step], timeout: Double = 5, followUp: Bool = false) async throws
        -> Exchange
    {
        try await start(port: port, steps, timeout: timeout, followUp: followUp).exchange()
    }

    /// A client already started (connecting, running its steps) whose exchange is read later.
    struct Pending: Sendable {
        let run: ChildProcess.Run

        /// Waits for the client to finish and returns what happened.
        func exchange() async throws -> Exchange {
            try Self.exchange(from: await run.finished())
        }

        /// `exchange()` for synchronous tests: blocks this thread.
        func exchangeNow() throws -> Exchange {
            try Self.exchange(from: run.finish())
        }

        private static func exchange(from output: ChildProcess.Output) throws -> Exchange {
            guard output.status == 0 else {
                throw ClientFailure(output: output)
            }
            return try JSONDecoder().decode(Exchange.self, from: output.stdout)
        }
    }

    /// Starts the client now, on this thread: unlike an `async let`, whose child task may wait for a
    /// cooperative thread while the test polls for the connection, the process is running on return.
    static func start(port: Int, _ steps: [Step], timeout: Double = 5, followUp: Bool = false) throws -> Pending {
        let python = try #require(Subprocess.python)
        let spec: [String: Any] = [
            "port": port, "steps": steps.map(\.json), "timeout": timeout, "followUp": followUp,
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return Pending(run: try ChildProcess.Run(python, ["-c", script, text], timeout: timeout * 4 + 10))
    }

    private static let script = #"""
        import base64, json, random, select, socket, struct, sys, time

        spec = json.loads(sys.argv[1])
        port = spec["port"]
        start = time.monotonic()
        out = {"received": "", "eof": False, "reset": False, "timedOut": False, "firstByteAt": None,
               "eofAt": None, "marks": [], "sendError": None, "followUp": None}
        received = bytearray()

        def now():
            return round(time.monotonic() - start, 4)

        def take(chunk):
            if not chunk:
                if not out["eof"]:
                    out["eof"] = True
                    out["eofAt"] = now()
                return
            if out["firstByteAt"] is None:
                out["firstByteAt"] = now()
            received.extend(chunk)

        def send(data):
            try:
                s.sendall(data)
            except OSError as error:
                out["sendError"] = out["sendError"] or type(error).__name__

        s = socket.create_connection(("127.0.0.1", port), timeout=spec["timeout"])
        closed = False
        try:
            for step in spec["steps"]:
                kind = step["kind"]
                data = base64.b64decode(step.get("data", ""))
                if kind == "send":
                    send(data)
                elif kind == "sendFill":
                    send(bytes([step["byte"]]) * step["count"])
                elif kind == "sendRandom":
                    send(random.Random(step["seed"]).randbytes(step["count"]))
                elif kind == "drip":
                    for i in range(len(data)):
                        send(data[i:i + 1])
                        if out["sendError"]:
                            break
                        ready, _, _ = select.select([s], [], [], step["interval"])
                        if ready:
                            take(s.recv(65536))
                            if out["eof"] or b"\r\n\r\n" in received:
                                break
                elif kind == "await":
                    while data not in received and not out["eof"]:
                        take(s.recv(65536))
                    out["marks"].append({"at": now(), "found": data in received, "received": len(received)})
                elif kind == "sleep":
                    time.sleep(step["seconds"])
                elif kind == "shutdownWrite":
                    s.shutdown(socket.SHUT_WR)
                elif kind == "reset":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                    closed = True
                    break
                elif kind == "close":
                    s.close()
                    closed = True
                    break
            while not closed and not out["eof"]:
                take(s.recv(65536))
        except socket.timeout:
            out["timedOut"] = True
        except (ConnectionResetError, BrokenPipeError):
            out["reset"] = True
        if not closed:
            s.close()
        out["received"] = base64.b64encode(bytes(received)).decode()

        if spec["followUp"]:
            f = socket.create_connection(("127.0.0.1", port), timeout=spec["timeout"])
            f.sendall(b"GET /follow-up HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            answer = bytearray()
            while True:
                chunk = f.recv(65536)
                if not chunk:
                    break
                answer.extend(chunk)
            f.close()
            out["followUp"] = base64.b64encode(bytes(answer)).decode()

        print(json.dumps(out))
        """#
}

/// A client process that failed, with its output for the test log.
struct ClientFailure: Error, CustomStringConvertible {
    var output: ChildProcess.Output

    var description: String {
        "client exited \(output.status): \(output.stderr) \(String(decoding: output.stdout, as: UTF8.self))"
    }
}
