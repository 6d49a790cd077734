/// What the webhook layer needs of an HTTP request; independent of the HTTP server so that decoding is
/// tested on plain values.
public struct IncomingRequest: Sendable {
    /// The HTTP method.
    public var method: String
    /// The raw request target, e.g. `/?aal_genpass=HANDSHAKE&teamId=3`.
    public var target: String
    /// Headers as received.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        // Compared byte by byte, ASCII letters folded: no lowered copy of every name on every lookup.
        func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        return headers.first {
            $0.name.utf8.count == name.utf8.count && $0.name.utf8.elementsEqual(name.utf8) { folded($0) == folded($1) }
        }?.value
    }

    /// The target before `?`.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The raw text after `?`, if any.
    public var query: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }
}
