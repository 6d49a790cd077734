import Foundation
import MemberLedgerHTTP
import Testing

/// A request the server must refuse, and the status it must refuse it with.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: [UInt8]
    var status: Int

    var testDescription: String { "\(name) → \(status)" }

    init(_ name: String, _ request: String, _ status: Int) {
        self.name = name
        self.request = Array(request.utf8)
        self.status = status
    }

    /// Limits small enough to reach cheaply: 1 KiB of head, 1000 bytes of body.
    static let configuration = HTTPServerConfiguration.testing(maxHeaderBytes: 1024, maxBodyBytes: 1000)

    static let all: [MalformedCase] = [
        // Request line.
        .init("method is not a token", "G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        .init("HTTP/2.0", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        .init("HTTP/1.2", "GET / HTTP/1.2\r\nHost: t\r\n\r\n", 505),
        .init("no version (HTTP/0.9 style)", "GET /\r\n\r\n", 400),
        .init("lowercase version", "GET / http/1.1\r\nHost: t\r\n\r\n", 400),
        .init("two spaces after the method", "GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        .init("space after the version", "GET / HTTP/1.1 \r\nHost: t\r\n\r\n", 400),
        .init("space inside the target", "GET /a b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        .init("DEL in the target", "GET /a\u{7F}b HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        .init("non-ASCII in the target", "GET /caf\u{E9} HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        // Line endings.
        .init("bare LF line endings", "GET / HTTP/1.1\nHost: t\n\n", 400),
        .init("bare LF ending the header section", "GET / HTTP/1.1\r\nHost: t\r\n\n", 400),
        .init("bare CR line endings", "GET / HTTP/1.1\rHost: t\r\r", 400),
        .init("CR inside a header value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400),
        // Header fields.
        .init("obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  continued\r\n\r\n", 400),
        .init("whitespace before the first header", "GET / HTTP/1.1\r\n Host: t\r\n\r\n", 400),
        .init("whitespace before the colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        .init("NUL in a header value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u{0}b\r\n\r\n", 400),
        .init("control byte in a header name", "GET / HTTP/1.1\r\nHost: t\r\nX\u{1}A: b\r\n\r\n", 400),
        .init("escape byte in a header value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: \u{1B}[31m\r\n\r\n", 400),
        .init("header without a colon", "GET / HTTP/1.1\r\nHost t\r\n\r\n", 400),
        .init("empty header name", "GET / HTTP/1.1\r\nHost: t\r\n: x\r\n\r\n", 400),
        .init("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        .init("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Content-Length.
        .init("Content-Length with a letter", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 12a\r\n\r\n", 400),
        .init("negative Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400),
        .init("Content-Length with a sign", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", 400),
        .init("empty Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length:\r\n\r\n", 400),
        .init("Content-Length list", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\nhello", 400),
        .init(
            "duplicate equal Content-Length",
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
        .init(
            "Content-Length overflow",
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 400),
        // Transfer-Encoding.
        .init(
            "Content-Length and Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        .init("gzip transfer coding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        .init("gzip then chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        .init("chunked not last", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        .init(
            "chunked twice",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            400),
        .init("empty coding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked,\r\n\r\n", 400),
        .init("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        // Chunked framing.
        .init("chunk size not hex", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
        .init(
            "chunk size overflow",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 400),
        .init(
            "space after chunk size",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n",
            400),
        .init(
            "chunk size line ending in bare LF",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        .init(
            "chunk data longer than its size",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", 400),
        .init(
            "malformed trailer",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
            400),
        // Limits.
        .init(
            "header section over the limit",
            "GET / HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 1100))\r\n\r\n", 431),
        .init(
            "request line over the limit", "GET /\(String(repeating: "a", count: 1100)) HTTP/1.1\r\nHost: t\r\n\r\n",
            431),
        .init(
            "many small headers over the limit",
            "GET / HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X-A: b\r\n", count: 200) + "\r\n", 431),
        .init(
            "head that never ends over the limit",
            "GET / HTTP/1.1\r\nHost: t\r\nX-A: " + String(repeating: "b", count: 1100),
            431),
        .init(
            "Content-Length over the limit, refused before the body",
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n", 413),
        .init(
            "chunk over the limit, refused before its data",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n", 413),
        .init(
            "chunks adding up past the limit",
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(String(repeating: "a", count: 600))\r\n258\r\n",
            413),
        // Expectations.
        .init(
            "unknown expectation", "POST / HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi", 417),
    ]
}

@Suite("Malformed requests are refused, answered and closed")
struct MalformedRequestTests {
    @Test("each malformed request gets its status, Connection: close and end of file", arguments: MalformedCase.all)
    func refused(_ malformed: MalformedCase) async throws {
        let server = try TestServer(MalformedCase.configuration)
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(port: server.port, [.send(malformed.request)], followUp: true)
        let response = try exchange.response()
        #expect(response.status == malformed.status)
        #expect(response.header("Connection") == "close")
        #expect(exchange.eof)
        #expect(!exchange.timedOut)
        #expect(server.handled.all.map(\.path) == ["/follow-up"], "the handler never saw the malformed request")
        #expect(server.rejections.all.map(\.status) == [malformed.status])
        #expect(server.rejections.all.first?.remoteAddress.hasPrefix("127.0.0.1:") == true)
        try expectServed(exchange.followUp)
    }
}
