/// Why the server answers a request itself instead of handing it to the handler. Every case ends the
/// connection: after a framing error the next request cannot be found reliably (RFC 9112 §11.2), so
/// guessing would open the door to request smuggling.
enum HTTPRequestError: Error, Equatable {
    /// 400: the bytes break the HTTP/1.1 grammar or its framing rules; the text says which, by position
    /// and kind (`header 3: name is not a token`), never with bytes of the request.
    case malformed(String)
    /// 431: the request line and header section together exceed the limit.
    case headerSectionTooLarge(limit: Int)
    /// 413: the body (declared, or counted while de-chunking) exceeds the limit.
    case bodyTooLarge(limit: Int)
    /// 505: a well-formed version other than HTTP/1.0 or HTTP/1.1 (its two digits).
    case versionNotSupported(major: Int, minor: Int)
    /// 501: a transfer coding other than `chunked`; the body's length cannot be known.
    case transferCodingNotImplemented
    /// 417: an `Expect` value other than `100-continue`.
    case expectationFailed
    /// 408: the peer went quiet mid-request, or the whole request missed its deadline.
    case timedOut(String)

    /// The status the server answers with.
    var status: Int {
        switch self {
        case .malformed: 400
        case .headerSectionTooLarge: 431
        case .bodyTooLarge: 413
        case .versionNotSupported: 505
        case .transferCodingNotImplemented: 501
        case .expectationFailed: 417
        case .timedOut: 408
        }
    }

    /// A short explanation for the response body and the rejection report; it names what was wrong
    /// without quoting the request's bytes.
    var reason: String {
        switch self {
        case .malformed(let detail): detail
        case .headerSectionTooLarge(let limit): "request line and headers exceed \(limit) bytes"
        case .bodyTooLarge(let limit): "body exceeds \(limit) bytes"
        case .versionNotSupported(let major, let minor): "HTTP/\(major).\(minor) is not supported; use HTTP/1.1"
        case .transferCodingNotImplemented: "Transfer-Encoding: only chunked is implemented"
        case .expectationFailed: "Expect: only 100-continue can be met"
        case .timedOut(let detail): detail
        }
    }
}
