import Foundation
import MemberLedgerHTTP
import Testing

@Suite("Expect: 100-continue")
struct ExpectContinueTests {
    @Test("100 Continue arrives before the client sends the body")
    func continueBeforeBody() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let body = [UInt8](repeating: UInt8(ascii: "z"), count: 5000)
        let exchange = try await RawClient.exchange(
            port: server.port,
            [
                .send(
                    bytes("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")),
                .await(bytes("\r\n\r\n")),
                .send(body),
                .await(bytes("}")),
                .close,
            ])
        #expect(exchange.marks.first?.found == true)
        let responses = try exchange.responses()
        try #require(responses.count == 2)
        #expect(responses[0].status == 100)
        #expect(responses[0].headers.isEmpty)
        #expect(
            exchange.marks.first?.received == "HTTP/1.1 100 Continue\r\n\r\n".utf8.count,
            "nothing but 100 came before the body was sent")
        let echo = try JSONDecoder().decode(Echo.self, from: Data(responses[1].body))
        #expect(responses[1].status == 200)
        #expect(echo.bodyLength == 5000)
    }

    @Test("a body over the limit is refused with 413 instead of 100, and never read")
    func tooLargeRefusedFirst() async throws {
        let server = try TestServer(.testing(maxBodyBytes: 1000))
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(
            port: server.port,
            [.send(bytes("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n"))],
            followUp: true)
        let response = try exchange.response()
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(exchange.eof)
        try expectServed(exchange.followUp)
    }

    @Test("no 100 Continue for a request without a body")
    func noContinueWithoutBody() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(
            port: server.port,
            [.send(bytes("GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"))])
        #expect(try exchange.responses().map(\.status) == [200])
    }

    @Test(
        "curl sends a large body after 100 Continue without waiting out its timer",
        .enabled(if: Subprocess.curl != nil, "curl is not installed"))
    func curlLargeUpload() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let curl = try #require(Subprocess.curl)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("http-expect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try body.write(to: file)
        let output = try await Subprocess.run(
            curl,
            [
                "-sS", "-v", "--max-time", "10", "--expect100-timeout", "5", "-H", "Expect: 100-continue",
                "--data-binary", "@\(file.path)", "http://127.0.0.1:\(server.port)/upload",
            ])
        #expect(output.status == 0, "\(output.stderr)")
        // curl prints the interim response it received: proof the server sent 100 before the body.
        #expect(output.stderr.contains("< HTTP/1.1 100 Continue"))
        let echo = try JSONDecoder().decode(Echo.self, from: output.stdout)
        #expect(echo.body == body)
    }
}
