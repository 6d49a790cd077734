/// A CRM's answer to one `CRMRequest`, whatever its status: the client decides what a status means.
public struct CRMResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields as received.
    public var headers: [(name: String, value: String)]
    /// The body, possibly empty.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name`, compared without regard to ASCII case as HTTP
    /// requires (`Retry-After` and `retry-after` are the same field); nil when there is none.
    public func header(_ name: String) -> String? {
        HeaderName.first(name, in: headers)
    }

    /// Whether the status is 2xx, the only answers a client reads as success.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
