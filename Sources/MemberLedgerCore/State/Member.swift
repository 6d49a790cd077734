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

/// The one ordering of strings used wherever order reaches an output: by UTF-8 bytes, which is what every
/// platform and language agrees on (Swift's own `<` compares Unicode-normalized text instead).
public func utf8Ascending(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// Whether two strings have the same UTF-8 bytes. Tags and field names are compared this way, not by
/// Swift's `==` (Unicode canonical equivalence), so that what is distinct in the digest is distinct in
/// the state: "é" and "e\u{301}" are two tags.
public func utf8Equal(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.elementsEqual(rhs.utf8)
}
