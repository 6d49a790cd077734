import MemberLedgerCore

/// One CRM account, as the outbox worker and `crm connect` use it. Every method is one logical
/// operation that may take several HTTP calls (a tag name resolved to an id, pages followed, a missing
/// tag created first); each blocks its thread until done or failed.
///
/// Writes are idempotent: applying a tag the contact has, removing one it lacks, or setting a field to
/// the value it holds succeeds and changes nothing, so a retried delivery is harmless.
public protocol CRMClient: Sendable {
    /// Which CRM this client speaks to.
    var kind: CRMKind { get }
    /// One authenticated read that proves the credentials; returns a short description of the account
    /// (e.g. `account "Acme" (ada@example.com)`), never the key.
    func verify() throws(CRMError) -> String
    /// Reads a contact: email, names, its complete tag list by name (every page), and custom fields by
    /// the CRM's field key. `tags` is never nil in the result.
    func pull(_ contactID: String) throws(CRMError) -> ContactData
    /// Applies a tag by name, creating the tag in the CRM first when it does not exist.
    func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError)
    /// Removes a tag by name; a tag the contact lacks (or that does not exist) is already removed.
    func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError)
    /// Sets a custom field (by the CRM's field key) to a value.
    func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError)
}

/// The contact a write goes to: its id in the CRM, and its email when the ledger knows it (Drip names
/// subscribers by email in some calls).
public struct CRMContact: Sendable, Hashable {
    /// The CRM's contact id.
    public var id: String
    /// The contact's email, if known.
    public var email: String?

    /// Creates a contact reference.
    public init(id: String, email: String? = nil) {
        self.id = id
        self.email = email
    }
}
