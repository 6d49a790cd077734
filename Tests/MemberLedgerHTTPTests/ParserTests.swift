import Foundation
import Testing

@testable import MemberLedgerHTTP

/// The parsing pieces on their own, fed in every split a network could produce.
@Suite("Parsing pieces")
struct ParserTests {
    static let request = Array(
        "\r\nPOST /hook?a=1&b=%20 HTTP/1.1\r\nHost: example\r\nX-Empty:\r\nX-Spaced: \t padded value \t\r\nx-dup: 1\r\nX-Dup: 2\r\n\r\nBODY"
            .utf8)

    /// Feeds `bytes` in pieces of `size`, the way a slow network delivers them.
    static func parseHead(_ bytes: [UInt8], pieceSize size: Int) throws -> (RequestHead, rest: [UInt8]) {
        var parser = RequestHeadParser(limit: 1024)
        var pending: [UInt8] = []
        var offset = 0
        while true {
            let (consumed, head) = try parser.parse(pending[...])
            pending.removeFirst(consumed)
            if let head { return (head, pending + bytes[offset...]) }
            guard offset < bytes.count else { throw HTTPRequestError.malformed("ran out of bytes") }
            let end = min(offset + size, bytes.count)
            pending += bytes[offset..<end]
            offset = end
        }
    }

    @Test("a head parses the same however it is split", arguments: [1, 2, 3, 7, 16, 1000])
    func headInPieces(pieceSize: Int) throws {
        let (head, rest) = try Self.parseHead(Self.request, pieceSize: pieceSize)
        #expect(head.method == "POST")
        #expect(head.target == "/hook?a=1&b=%20")
        #expect(head.minorVersion == 1)
        #expect(head.headers["host"] == "example")
        #expect(head.headers["X-Empty"] == "")
        #expect(head.headers["x-spaced"] == "padded value")
        #expect(head.headers.values(for: "X-DUP") == ["1", "2"])
        #expect(head.headers.map(\.name) == ["Host", "X-Empty", "X-Spaced", "x-dup", "X-Dup"])
        #expect(rest == Array("BODY".utf8))
    }

    @Test("a bare CR is refused as soon as the next byte shows it")
    func bareCarriageReturnEarly() throws {
        var parser = RequestHeadParser(limit: 1024)
        #expect(try parser.parse(Array("GET / HTTP/1.1\r".utf8)[...]).consumed == 0)
        #expect(throws: HTTPRequestError.malformed("CR not followed by LF")) {
            try parser.parse(Array("GET / HTTP/1.1\rX".utf8)[...])
        }
    }

    @Test("garbage is refused at its first byte, not after a head's worth")
    func garbageEarly() {
        var parser = RequestHeadParser(limit: 1 << 20)
        #expect(throws: HTTPRequestError.malformed("method is not a token")) {
            try parser.parse([0x47, 0x45, 0x00][...])
        }
    }

    static let chunked = Array(
        "4;ext=\"quoted\"\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: yes\r\n\r\nNEXT".utf8)

    @Test("a chunked body decodes the same however it is split", arguments: [1, 2, 5, 13, 1000])
    func chunkedInPieces(pieceSize: Int) throws {
        var decoder = ChunkedBodyDecoder(maxBodyBytes: 100, maxTrailerBytes: 100)
        var pending: [UInt8] = []
        var offset = 0
        while !decoder.isComplete {
            let end = min(offset + pieceSize, Self.chunked.count)
            pending += Self.chunked[offset..<end]
            offset = end
            pending.removeFirst(try decoder.decode(pending[...]))
        }
        #expect(String(decoding: decoder.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        #expect(pending + Self.chunked[offset...] == Array("NEXT".utf8))
    }

    @Test("the body limit applies to the running total of chunks")
    func chunkedLimit() throws {
        var decoder = ChunkedBodyDecoder(maxBodyBytes: 8, maxTrailerBytes: 100)
        _ = try decoder.decode(Array("5\r\nhello\r\n".utf8)[...])
        #expect(throws: HTTPRequestError.bodyTooLarge(limit: 8)) { try decoder.decode(Array("4\r\n".utf8)[...]) }
    }

    @Test(
        "framing headers decide the body",
        arguments: [
            (["Content-Length": "0"], RequestHead.BodyFraming.length(0)),
            (["Content-Length": "007"], .length(7)),
            (["Transfer-Encoding": "Chunked"], .chunked),
            ([:], .none),
        ])
    func framing(headers: [String: String], expected: RequestHead.BodyFraming) throws {
        var fields = HTTPHeaders([(name: "Host", value: "t")])
        for (name, value) in headers { fields.append(name: name, value: value) }
        let head = RequestHead(method: "POST", target: "/", minorVersion: 1, headers: fields)
        #expect(try head.bodyFraming(maxBodyBytes: 100) == expected)
    }

    @Test("IMF-fixdate, the example of RFC 9110")
    func date() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test("a request splits its target into path and raw query")
    func targetSplit() {
        #expect(HTTPRequest(method: "GET", target: "/a/b?x=%20&y").path == "/a/b")
        #expect(HTTPRequest(method: "GET", target: "/a/b?x=%20&y").query == "x=%20&y")
        #expect(HTTPRequest(method: "GET", target: "/a?").query == "")
        #expect(HTTPRequest(method: "GET", target: "*").query == nil)
    }

    @Test("an unsupported version is named by its digits alone")
    func versionReason() {
        #expect(
            HTTPRequestError.versionNotSupported(major: 2, minor: 0).reason == "HTTP/2.0 is not supported; use HTTP/1.1"
        )
    }
}
