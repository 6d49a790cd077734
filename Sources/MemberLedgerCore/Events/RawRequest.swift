/// The request a webhook event came from, as received, minus its secrets: the handshake in the URL is
/// replaced by `REDACTED`, and so is the value of any body field whose name mentions a password. Kept so
/// that an auditor can see what the CRM actually sent, not only what we made of it.
public struct RawRequest: Sendable, Hashable {
    /// The HTTP method.
    public var method: String
    /// The request target with the handshake redacted, e.g. `/?aal_genpass=REDACTED&teamId=3`.
    public var target: String
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// The body: as text when it is UTF-8, else Base64 (see `bodyIsBase64`).
    public var body: String
    /// Whether `body` is Base64 because the bytes were not UTF-8.
    public var bodyIsBase64: Bool
    /// The CRM dialect the body was read as (`activecampaign`, `keap`, `ontraport`, `kit`, `drip`, ...).
    public var dialect: String

    /// Creates a raw request record.
    public init(
        method: String, target: String, contentType: String? = nil, body: String = "", bodyIsBase64: Bool = false,
        dialect: String
    ) {
        self.method = method
        self.target = target
        self.contentType = contentType
        self.body = body
        self.bodyIsBase64 = bodyIsBase64
        self.dialect = dialect
    }
}
