/// One HTTP request to a CRM's API, built by a client and carried out by a `CRMTransport`.
///
/// The URL is complete (base, percent-encoded path and query); the headers already carry the
/// authentication, so a request must never be logged or put into an error's text as it is.
public struct CRMRequest: Sendable {
    /// The HTTP method in capitals: `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    public var method: String
    /// The absolute URL, with the path segments and query values already percent-encoded.
    public var url: String
    /// Header fields in the order they are sent; names as the CRM documents them.
    public var headers: [(name: String, value: String)]
    /// The body (JSON when present); nil sends none. DELETE may carry one (Ontraport's tagByName).
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name`, compared without regard to ASCII case as HTTP
    /// requires; nil when there is none.
    public func header(_ name: String) -> String? {
        HeaderName.first(name, in: headers)
    }
}
