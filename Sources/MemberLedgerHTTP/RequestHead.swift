/// A parsed request line and header section, and what they say about framing and the connection.
///
/// The interpretation follows RFC 9112 §6 strictly, because a server and a proxy in front of it that
/// disagree on where a body ends is the whole of request smuggling: one `Content-Length` of digits only,
/// or `Transfer-Encoding: chunked` alone, never both.
struct RequestHead {
    /// The method as sent.
    var method: String
    /// The raw request-target.
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    /// The fields in order.
    var headers: HTTPHeaders

    /// How the body's end is found.
    enum BodyFraming: Equatable {
        /// No body (no `Content-Length`, no `Transfer-Encoding`; RFC 9112 §6.3 rule 7).
        case none
        /// Exactly this many bytes.
        case length(Int)
        /// Chunked transfer coding, de-chunked as it is read.
        case chunked
    }

    /// Checks `Host` (RFC 9112 §3.2): an HTTP/1.1 request must have exactly one, any request at most one.
    func checkHost() throws(HTTPRequestError) {
        let count = headers.count(of: "Host")
        if count > 1 { throw .malformed("more than one Host header") }
        if count == 0 && minorVersion == 1 { throw .malformed("HTTP/1.1 request without a Host header") }
    }

    /// Decides the body framing.
    ///
    /// - Throws: `.malformed` for both `Content-Length` and `Transfer-Encoding`, more than one
    ///   `Content-Length` (even if equal), a `Content-Length` that is not digits only or overflows,
    ///   `chunked` that is not the one and final coding, or `Transfer-Encoding` in HTTP/1.0;
    ///   `.transferCodingNotImplemented` (501) for any other coding, since nothing else here can decode it;
    ///   `.bodyTooLarge` when the declared length exceeds `maxBodyBytes`.
    func bodyFraming(maxBodyBytes: Int) throws(HTTPRequestError) -> BodyFraming {
        let lengths = headers.values(for: "Content-Length")
        let codings = headers.values(for: "Transfer-Encoding")
        if !lengths.isEmpty && !codings.isEmpty {
            throw .malformed("both Content-Length and Transfer-Encoding")
        }
        if !codings.isEmpty {
            if minorVersion == 0 { throw .malformed("Transfer-Encoding in an HTTP/1.0 request") }
            let elements = codings.flatMap(HTTPSyntax.listElements)
            if elements.contains(where: \.isEmpty) { throw .malformed("empty Transfer-Encoding element") }
            let chunkedPositions = elements.indices.filter { HTTPSyntax.equalsIgnoringCase(elements[$0], "chunked") }
            if chunkedPositions == [elements.count - 1] {
                if elements.count == 1 { return .chunked }
                throw .transferCodingNotImplemented
            }
            if !chunkedPositions.isEmpty { throw .malformed("chunked is not the one and final transfer coding") }
            throw .transferCodingNotImplemented
        }
        guard let length = lengths.first else { return .none }
        if lengths.count > 1 { throw .malformed("duplicate Content-Length") }
        guard !length.isEmpty, length.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .malformed("Content-Length is not digits only")
        }
        guard let value = Int(length) else { throw .malformed("Content-Length overflows") }
        if value > maxBodyBytes { throw .bodyTooLarge(limit: maxBodyBytes) }
        return .length(value)
    }

    /// Whether the client waits for `100 Continue` before sending the body. HTTP/1.0 expectations are
    /// ignored, as RFC 9110 §10.1.1 requires.
    ///
    /// - Throws: `.expectationFailed` (417) for any `Expect` value other than `100-continue`.
    func expectsContinue() throws(HTTPRequestError) -> Bool {
        let values = headers.values(for: "Expect")
        guard !values.isEmpty, minorVersion == 1 else { return false }
        for value in values where !HTTPSyntax.equalsIgnoringCase(value, "100-continue") {
            throw .expectationFailed
        }
        return true
    }

    /// Whether the client wants the connection kept after the response: HTTP/1.1 unless it says
    /// `Connection: close`, HTTP/1.0 only when it says `Connection: keep-alive`.
    var wantsKeepAlive: Bool {
        let options = headers.values(for: "Connection").flatMap(HTTPSyntax.listElements)
        if options.contains(where: { HTTPSyntax.equalsIgnoringCase($0, "close") }) { return false }
        if minorVersion == 1 { return true }
        return options.contains { HTTPSyntax.equalsIgnoringCase($0, "keep-alive") }
    }
}
