import Foundation
import MemberLedgerHTTP
import Testing

@Suite("Hostile and broken clients")
struct RobustnessTests {
    /// A client that goes away in the middle of something.
    struct Disconnect: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [RawClient.Step]
        var testDescription: String { name }

        static let all: [Disconnect] = [
            .init(name: "closes mid-headers", steps: [.send(bytes("GET / HTTP/1.1\r\nHost: t\r\nX-A: b")), .close]),
            .init(name: "resets mid-headers", steps: [.send(bytes("GET / HTTP/1.1\r\nHost: t\r\nX-A: b")), .reset]),
            .init(
                name: "closes mid-body",
                steps: [.send(bytes("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nabc")), .close]),
            .init(
                name: "resets mid-body",
                steps: [.send(bytes("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nabc")), .reset]),
            .init(
                name: "resets mid-chunk",
                steps: [
                    .send(bytes("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nab")), .reset,
                ]),
            .init(
                name: "resets before reading a large response",
                steps: [.send(bytes("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")), .reset]),
            .init(
                name: "half-closes after the request",
                steps: [.send(bytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n")), .shutdownWrite]),
        ]
    }

    @Test("a client that disconnects abruptly only ends its own connection", arguments: Disconnect.all)
    func disconnect(_ disconnect: Disconnect) async throws {
        let server = try TestServer { request in
            request.path == "/big"
                ? HTTPResponse(status: 200, body: [UInt8](repeating: 1, count: 8 << 20)) : .text(200, "ok")
        }
        defer { server.server.shutdown() }
        _ = try await RawClient.exchange(port: server.port, disconnect.steps, followUp: true)
        #expect(await eventually { server.server.openConnections == 0 })
        #expect(server.rejections.all.isEmpty, "nothing was answered, so nothing is reported")
        let after = try await LibraryClient.send(port: server.port, [.init(method: "GET", target: "/after")])
        #expect(after.map(\.status) == [200])
    }

    @Test("a flood of garbage bytes is refused and closed; the server keeps serving")
    func garbage() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        for seed in 1...3 {
            let exchange = try await RawClient.exchange(
                port: server.port, [.sendRandom(count: 1 << 20, seed: seed)], followUp: true)
            let response = try exchange.response()
            #expect([400, 431].contains(response.status))
            #expect(exchange.eof)
            try expectServed(exchange.followUp)
        }
        let zeros = try await RawClient.exchange(port: server.port, [.sendFill(0, count: 1 << 20)], followUp: true)
        #expect(try zeros.response().status == 400)
        try expectServed(zeros.followUp)
        #expect(await eventually { server.server.openConnections == 0 })
    }

    @Test("forty connections reset in a burst leave the server serving")
    func resetBurst() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let python = try #require(Subprocess.python)
        let script = """
            import socket, struct, sys
            port = int(sys.argv[1])
            for i in range(40):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"POST / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 100\\r\\n\\r\\n" + b"x" * (i % 7))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            """
        let output = try await Subprocess.run(python, ["-c", script, "\(server.port)"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(await eventually { server.server.openConnections == 0 })
        let after = try await LibraryClient.send(port: server.port, [.init(method: "GET", target: "/after")])
        #expect(after.map(\.status) == [200])
    }

    @Test("over the connection cap: 503 with Retry-After at once, then served again once a slot frees")
    func connectionCap() async throws {
        let server = try TestServer(.testing(maxConnections: 2, readTimeout: 5))
        defer { server.server.shutdown() }
        let python = try #require(Subprocess.python)
        // Holds two keep-alive connections open (each answered once), then times a third.
        let script = """
            import base64, json, socket, sys, time
            port = int(sys.argv[1])
            def exchange(s):
                s.sendall(b"GET / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
                data = b""
                while b"}" not in data:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                return data
            held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
            first = [exchange(s) for s in held]
            start = time.monotonic()
            extra = socket.create_connection(("127.0.0.1", port), timeout=5)
            extra.sendall(b"GET /over HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n")
            refused = b""
            while True:
                chunk = extra.recv(65536)
                if not chunk:
                    break
                refused += chunk
            elapsed = time.monotonic() - start
            for s in held:
                s.close()
            print(json.dumps({"first": [base64.b64encode(d).decode() for d in first],
                              "refused": base64.b64encode(refused).decode(), "elapsed": elapsed}))
            """
        let output = try await Subprocess.run(python, ["-c", script, "\(server.port)"])
        #expect(output.status == 0, "\(output.stderr)")
        struct Result: Decodable {
            var first: [Data]
            var refused: Data
            var elapsed: Double
        }
        let result = try JSONDecoder().decode(Result.self, from: output.stdout)
        #expect(try result.first.map { try ParsedResponse.parseAll([UInt8]($0)).map(\.status) } == [[200], [200]])
        let refused = try ParsedResponse.parseAll([UInt8](result.refused))
        #expect(refused.map(\.status) == [503])
        #expect(refused.first?.header("Retry-After") == "1")
        #expect(refused.first?.header("Connection") == "close")
        #expect(result.elapsed < 5, "the 503 took \(result.elapsed) s (it must not wait for a free slot)")
        #expect(server.rejections.all.map(\.status) == [503])
        #expect(!server.handled.all.map(\.path).contains("/over"))

        #expect(await eventually { server.server.openConnections == 0 })
        let after = try await LibraryClient.send(port: server.port, [.init(method: "GET", target: "/after")])
        #expect(after.map(\.status) == [200])
    }
}
