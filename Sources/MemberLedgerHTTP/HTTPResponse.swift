/// What the handler answers: a status, header fields, a body and whether to close afterwards.
///
/// The server owns the framing: it writes `Content-Length` (never chunked), `Date` and `Connection`
/// itself and leaves out any handler field with those names, and it leaves out any field whose name is
/// not a token or whose value holds a control byte (CR, LF, NUL, ...), so a handler can never split the
/// response or smuggle a second one. A status outside 200...599 is answered as 500.
public struct HTTPResponse: Sendable {
    /// The status code, 200...599.
    public var status: Int
    /// Header fields in the order they are written.
    public var headers: [(name: String, value: String)]
    /// The body (not written for HEAD requests, 204 and 304).
    public var body: [UInt8]
    /// Close the connection after writing this response. A handler field `Connection: close` means the
    /// same.
    public var closeConnection: Bool
    /// The body goes on after `body` (server-sent events): written without `Content-Length`, it ends when
    /// the connection closes, and nothing else is read from the connection. Set by
    /// `HTTPResponder.respondStreaming`.
    public internal(set) var streams = false

    /// Creates a response.
    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], closeConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array(text.utf8))
    }

    /// An `application/json` response with already encoded bytes.
    public static func json(_ status: Int, _ bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")], body: bytes)
    }
}
