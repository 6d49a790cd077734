/// A CRM contact who has an account on the site, keyed by the CRM's contact id.
///
/// Rule: whatever a request carries replaces the old value and whatever it does not carry stays; the
/// password hash is set once, when the member is created, and never changed by a webhook.
public struct Member: Sendable, Hashable {
    /// The CRM's contact id, the member's identity.
    public var contactID: String
    /// Email address, if a request ever carried one.
    public var email: String?
    /// First name, if a request ever carried one.
    public var firstName: String?
    /// Last name, if a request ever carried one.
    public var lastName: String?
    /// Tags the member holds, sorted by UTF-8 bytes.
    public var tags: TagSet
    /// Custom field values by field name, sorted by name.
    public var fields: FieldMap
    /// Django-format PBKDF2 hash of the password; never the plaintext.
    public var passwordHash: String?
    /// When the member was created.
    public var joinedAt: Timestamp

    /// Creates a member.
    public init(
        contactID: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        tags: TagSet = [], fields: FieldMap = [:], passwordHash: String? = nil, joinedAt: Timestamp
    ) {
        self.contactID = contactID
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.tags = tags
        self.fields = fields
        self.passwordHash = passwordHash
        self.joinedAt = joinedAt
    }

    /// Tags in canonical (UTF-8 byte) order.
    public var sortedTags: [String] { Array(tags) }
    /// Fields in canonical (UTF-8 byte) order of their names.
    public var sortedFields: [(name: String, value: String)] { fields.map { ($0.key, $0.value) } }
}
