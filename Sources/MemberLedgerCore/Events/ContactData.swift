/// What a CRM said about one contact in a request, normalized from whichever dialect it spoke.
///
/// `nil` means "not carried": the member keeps the old value. An empty tag list is carried and means
/// "no tags".
public struct ContactData: Sendable, Hashable {
    /// The CRM's contact id.
    public var contactID: String
    /// Email, if carried.
    public var email: String?
    /// First name, if carried.
    public var firstName: String?
    /// Last name, if carried.
    public var lastName: String?
    /// The contact's complete tag list, if carried.
    public var tags: [String]?
    /// Custom fields carried; merged into the member's fields.
    public var fields: [String: String]

    /// Creates contact data.
    public init(
        contactID: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        tags: [String]? = nil, fields: [String: String] = [:]
    ) {
        self.contactID = contactID
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.tags = tags
        self.fields = fields
    }

    /// Whether the request carried anything besides the contact id (Ontraport sends only the id).
    public var carriesData: Bool {
        email != nil || firstName != nil || lastName != nil || tags != nil || !fields.isEmpty
    }
}
