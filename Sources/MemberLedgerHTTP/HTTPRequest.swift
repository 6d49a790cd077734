/// A complete request as the server received it, body included, handed to the handler.
///
/// Nothing is decoded: the target, path and query are the raw text from the request line, so the layer
/// that knows what a parameter means decides how to percent-decode it.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. `POST` (methods are case-sensitive, RFC 9110 §9.1).
    public var method: String
    /// The raw request-target, e.g. `/?aal_genpass=abc&teamId=3`.
    public var target: String
    /// The target before the first `?`, not decoded.
    public var path: String
    /// The raw text after the first `?`, not decoded; nil when the target has no `?`.
    public var query: String?
    /// The header fields in the order received.
    public var headers: HTTPHeaders
    /// The body; de-chunked when it came with `Transfer-Encoding: chunked`.
    public var body: [UInt8]
    /// The peer as `address:port`, e.g. `127.0.0.1:54321` (`[::1]:54321` for IPv6).
    public var remoteAddress: String

    /// Creates a request; `path` and `query` are split from `target` at its first `?`.
    public init(
        method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The peer's address without its port (`127.0.0.1`, `[::1]`): what per-address limits count by.
    public var remoteHost: String { Self.host(of: remoteAddress) }

    /// `address:port` or `[v6]:port` without the port.
    static func host(of remoteAddress: String) -> String {
        guard let colon = remoteAddress.lastIndex(of: ":") else { return remoteAddress }
        return String(remoteAddress[..<colon])
    }
}
