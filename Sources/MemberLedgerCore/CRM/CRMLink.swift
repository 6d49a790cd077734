/// The CRM account the ledger writes back to, as the journal records it (`crm.connected`). No key:
/// credentials never reach the journal.
public struct CRMLink: Sendable, Hashable {
    /// Which CRM.
    public var kind: CRMKind
    /// Where its API lives.
    public var baseURL: String
    /// Drip's account id or Ontraport's App ID, when the CRM needs one.
    public var account: String?
    /// The field that receives new members' passwords; nil: passwords are not written back.
    public var passwordField: String?

    /// Creates a link.
    public init(kind: CRMKind, baseURL: String, account: String? = nil, passwordField: String? = nil) {
        self.kind = kind
        self.baseURL = baseURL
        self.account = account
        self.passwordField = passwordField
    }
}
