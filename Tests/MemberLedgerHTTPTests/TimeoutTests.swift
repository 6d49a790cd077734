import Foundation
import MemberLedgerHTTP
import MemberLedgerTesting
import Testing

/// Timeouts with a 0.5 s read timeout and a 1.5 s request deadline.
@Suite("Timeouts")
struct TimeoutTests {
    static let configuration = HTTPServerConfiguration.testing(readTimeout: 0.5, deadline: 1.5)

    @Test("a slowloris client gets 408 at the deadline while others are served meanwhile")
    func slowloris() throws {
        // A longer deadline than the other cases: a python client must start and be answered within it
        // on a machine busy with every other suite. Synchronous, so it is never starved of a thread while
        // the deadline runs (see `waitUntil`).
        let server = try TestServer(.testing(readTimeout: 1.5, deadline: 5))
        defer { server.server.shutdown() }
        // One byte every 0.1 s never trips the 1.5 s read timeout; only the deadline stops it.
        let drip = bytes("GET / HTTP/1.1\r\nHost: t\r\nX-Pad: " + String(repeating: "a", count: 200) + "\r\n\r\n")
        let slow = try RawClient.start(port: server.port, [.drip(drip, interval: 0.1)])
        #expect(waitUntil { server.server.openConnections >= 1 })
        let normal = try LibraryClient.sendNow(port: server.port, [.init(method: "GET", target: "/meanwhile")])
        let normalDone = server.rejections.all.isEmpty
        let exchange = try slow.exchangeNow()

        #expect(normal.map(\.status) == [200])
        // Order, not timing: the normal request was answered while the slow one was still held.
        #expect(normalDone, "the normal request was answered only after the slowloris was refused")
        let response = try exchange.response()
        #expect(response.status == 408)
        #expect(response.header("Connection") == "close")
        let answeredAt = try #require(exchange.firstByteAt)
        #expect(answeredAt >= 4.9 && answeredAt < 15, "408 after \(answeredAt) s")
        #expect(server.rejections.all.map(\.status) == [408])
        #expect(server.rejections.all.first?.reason.contains("within") == true)
    }

    @Test(
        "a request that stalls mid-way gets 408 after the read timeout",
        arguments: [
            "GET / HTTP/1.1\r\nHost:", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        ])
    func stalled(partial: String) async throws {
        let server = try TestServer(Self.configuration)
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(port: server.port, [.send(bytes(partial))], followUp: true)
        let response = try exchange.response()
        #expect(response.status == 408)
        #expect(exchange.eof)
        let answeredAt = try #require(exchange.firstByteAt)
        #expect(answeredAt >= 0.45 && answeredAt < 10, "408 after \(answeredAt) s")
        #expect(server.rejections.all.first?.reason.contains("no byte") == true)
        try expectServed(exchange.followUp)
    }

    @Test("an idle connection is closed silently after the read timeout", arguments: [false, true])
    func idleClose(afterOneRequest: Bool) async throws {
        let server = try TestServer(Self.configuration)
        defer { server.server.shutdown() }
        let steps: [RawClient.Step] =
            afterOneRequest ? [.send(bytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n")), .await(bytes("}"))] : []
        let exchange = try await RawClient.exchange(port: server.port, steps)
        #expect(try exchange.responses().map(\.status) == (afterOneRequest ? [200] : []))
        #expect(exchange.eof)
        let closedAt = try #require(exchange.eofAt)
        #expect(closedAt >= 0.45 && closedAt < 10, "closed after \(closedAt) s")
        #expect(server.rejections.all.isEmpty, "an idle close is not a rejection")
    }
}

/// Slow senders from one address hold a bounded share of the server; real requests are never refused.
@Suite("Slow senders")
struct SlowSenderTests {
    @Test("over the per-address limit of connections with no whole request, the oldest slow one is closed")
    func oldestSlowSenderMakesRoom() throws {
        // Synchronous, with timeouts far beyond any stall: on a loaded CI machine an async test was seen
        // to wait 20 s between two lines, and the slow senders' own 408s then came first.
        var configuration = HTTPServerConfiguration.testing(readTimeout: 300, deadline: 600)
        configuration.eventLoops = 1
        configuration.maxUnprovenPerAddress = 4
        // No grace: which connection goes must not hang on how fast a loaded machine accepts them.
        configuration.slowSenderGraceSeconds = 0
        let server = try TestServer(configuration)
        defer { server.server.shutdown() }
        func evictions() -> [HTTPServerRejection] {
            server.rejections.all.filter { $0.reason.contains("no whole request") }
        }
        // Six connections that each send the start of a request and nothing more.
        var slow: [LoopbackClient] = []
        for _ in 0..<6 {
            let client = try LoopbackClient(port: server.port)
            try client.send(Array("GET / HTTP/1.1\r\nX-Slow: ".utf8))
            slow.append(client)
        }
        #expect(waitUntil { evictions().count == 2 }, "\(server.rejections.all.map(\.reason))")
        #expect(waitUntil { server.server.openConnections == 4 })
        #expect(server.rejections.all.allSatisfy { $0.status == 408 && $0.reason.contains("no whole request") })
        // A real request from the same address is answered, however many slow senders came before it.
        let answered = try LibraryClient.sendNow(port: server.port, [.init(method: "GET", target: "/real")])
        #expect(answered.map(\.status) == [200])
        // Closed before the shutdown, which would otherwise let their requests run to the deadline.
        slow.removeAll()
    }
}

extension SlowSenderTests {
    @Test("a burst of fresh connections from one address over the limit is served whole")
    func freshBurstIsNotCut() throws {
        var configuration = HTTPServerConfiguration.testing(readTimeout: 300, deadline: 600)
        configuration.eventLoops = 1
        configuration.maxUnprovenPerAddress = 4
        configuration.slowSenderGraceSeconds = 60
        let server = try TestServer(configuration)
        defer { server.server.shutdown() }
        var clients: [LoopbackClient] = []
        for _ in 0..<12 { clients.append(try LoopbackClient(port: server.port)) }
        for client in clients { try client.send(Array("GET /burst HTTP/1.1\r\nHost: t\r\n\r\n".utf8)) }
        for client in clients { #expect(try client.readResponse().status == 200) }
        #expect(server.rejections.all.isEmpty)
    }
}
