import Foundation
import MemberLedgerHTTP
import MemberLedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Start and shutdown")
struct LifecycleTests {
    @Test("shutdown lets an in-flight request finish and answers it, closes idle connections, then the port")
    func gracefulShutdown() throws {
        // Synchronous: the idle connection's 5 s read timeout must not pass while the test waits for a
        // thread (see `waitUntil`).
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let handlerFinished = Flag()
        let server = try TestServer(.testing(readTimeout: 5, deadline: 10)) { request in
            guard request.path == "/slow" else { return .text(200, "fast") }
            entered.signal()
            release.wait()
            handlerFinished.set()
            return .text(200, "slow done")
        }
        defer {
            release.signal()
            server.server.shutdown()
        }
        let idle = try RawClient.start(
            port: server.port, [.send(bytes("GET /fast HTTP/1.1\r\nHost: t\r\n\r\n")), .await(bytes("fast"))],
            timeout: 8)
        #expect(waitUntil { server.handled.all.count == 1 })
        let slow = try RawClient.start(
            port: server.port, [.send(bytes("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"))], timeout: 8)
        #expect(entered.wait(timeout: .now() + 30) == .success)

        let stopped = DispatchSemaphore(value: 0)
        let finishedBeforeReturn = Flag()
        Thread.detachNewThread {
            server.server.shutdown()
            if handlerFinished.isSet { finishedBeforeReturn.set() }
            stopped.signal()
        }
        #expect(waitUntil { !server.isAccepting }, "the port closes at once, before the handler returns")
        #expect(!handlerFinished.isSet)
        release.signal()
        #expect(stopped.wait(timeout: .now() + 30) == .success)
        #expect(finishedBeforeReturn.isSet, "shutdown returned only after the handler finished")

        let slowExchange = try slow.exchangeNow()
        let response = try slowExchange.response()
        #expect(response.status == 200)
        #expect(response.text == "slow done")
        #expect(response.header("Connection") == "close")
        #expect(slowExchange.eof)

        let idleExchange = try idle.exchangeNow()
        #expect(idleExchange.eof)
        let answeredAt = try #require(idleExchange.marks.first?.at)
        let closedAt = try #require(idleExchange.eofAt)
        #expect(closedAt - answeredAt < 4, "the idle connection was closed by shutdown, not by its 5 s read timeout")
        #expect(server.server.openConnections == 0)
        #expect(!server.isAccepting)
    }

    @Test("start and shutdown are safe to repeat; a server starts once")
    func repeatCalls() throws {
        let server = HTTPServer(configuration: .testing()) { _ in .text(200, "ok") }
        server.shutdown()
        #expect(throws: HTTPServerError.alreadyStarted) { try server.start() }
        server.shutdown()

        let running = HTTPServer(configuration: .testing()) { _ in .text(200, "ok") }
        try running.start()
        #expect(running.port > 0)
        #expect(throws: HTTPServerError.alreadyStarted) { try running.start() }
        running.shutdown()
        running.shutdown()
    }

    @Test("a port in use, a host name and a bad limit are reported as such")
    func startFailures() throws {
        let first = try TestServer()
        defer { first.server.shutdown() }
        var taken = HTTPServerConfiguration.testing()
        taken.port = first.port
        let second = HTTPServer(configuration: taken) { _ in .text(200, "ok") }
        #expect(throws: HTTPServerError.bind(host: "127.0.0.1", port: first.port, errno: EADDRINUSE)) {
            try second.start()
        }

        var named = HTTPServerConfiguration.testing()
        named.host = "localhost"
        #expect(throws: HTTPServerError.invalidHost("localhost")) {
            try HTTPServer(configuration: named) { _ in .text(200, "ok") }.start()
        }
        #expect(throws: HTTPServerError.invalidConfiguration("maxConnections must be at least 1")) {
            try HTTPServer(configuration: .testing(maxConnections: 0)) { _ in .text(200, "ok") }.start()
        }
        #expect("\(HTTPServerError.bind(host: "127.0.0.1", port: 80, errno: EACCES))".contains("Permission denied"))
    }

    @Test(
        "IPv6 loopback works and reports [::1]:port",
        .enabled(if: Subprocess.curl != nil, "curl is not installed"),
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/net/if_inet6"), "no IPv6 on this machine"))
    func ipv6() async throws {
        var configuration = HTTPServerConfiguration.testing()
        configuration.host = "::1"
        let server = try TestServer(configuration)
        defer { server.server.shutdown() }
        let output = try await Subprocess.run(
            try #require(Subprocess.curl), ["-sS", "-g", "--max-time", "10", "http://[::1]:\(server.port)/v6"])
        #expect(output.status == 0, "\(output.stderr)")
        let echo = try JSONDecoder().decode(Echo.self, from: output.stdout)
        #expect(echo.remoteAddress.hasPrefix("[::1]:"))
    }
}
