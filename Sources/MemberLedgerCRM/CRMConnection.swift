import MemberLedgerCore

/// A saved connection to one CRM account, as `crm connect` writes it to `DIR/crm.json`. The API key is
/// not part of it: it lives alone in `DIR/crm.key` (0600) and reaches only the transport's headers.
public struct CRMConnection: Sendable, Hashable {
    /// Which CRM.
    public var kind: CRMKind
    /// Where its API lives, without a trailing slash (e.g. `https://acme.api-us1.com`,
    /// `https://api.infusionsoft.com`; a loopback URL in tests).
    public var baseURL: String
    /// Drip's account id (in every Drip path); unused by the others.
    public var account: String?
    /// Ontraport's App ID (the `Api-Appid` header); unused by the others.
    public var appID: String?
    /// The CRM field that receives a new member's password; nil: passwords are never written back.
    public var passwordField: String?
    /// Requests per second the worker allows itself; nil: the CRM's documented limit.
    public var requestsPerSecond: Double?

    /// Creates a connection.
    public init(
        kind: CRMKind, baseURL: String, account: String? = nil, appID: String? = nil, passwordField: String? = nil,
        requestsPerSecond: Double? = nil
    ) {
        self.kind = kind
        self.baseURL = baseURL
        self.account = account
        self.appID = appID
        self.passwordField = passwordField
        self.requestsPerSecond = requestsPerSecond
    }
}
