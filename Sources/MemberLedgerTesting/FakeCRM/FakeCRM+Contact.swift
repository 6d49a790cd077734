extension FakeCRM {
    /// A contact as a fake CRM holds it, in the terms tests assert on: tag names rather than tag ids, and
    /// custom fields by the CRM's own field key (ActiveCampaign `"2"`, Keap `"6"`, Ontraport `"f1234"`,
    /// Kit `"coupon_code"`, Drip `"password"`).
    public struct Contact: Sendable, Equatable {
        /// The CRM's contact id (Keap, Kit and Ontraport ids are numeric, such as `"42"`).
        public var id: String
        /// The email address.
        public var email: String?
        /// The first name.
        public var firstName: String?
        /// The last name. For Kit, which has no last name, this mirrors the `last_name` custom field.
        public var lastName: String?
        /// The names of the contact's tags, sorted; read back from a fake always sorted.
        public var tags: [String]
        /// Custom field values by the CRM's field key.
        public var fields: [String: String]

        /// Creates a contact.
        public init(
            id: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil, tags: [String] = [],
            fields: [String: String] = [:]
        ) {
            self.id = id
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
            self.tags = tags
            self.fields = fields
        }
    }
}
