import MemberLedgerCore

/// Keap's REST API v1 (`X-Keap-API-Key` header). Tags and custom fields are numeric ids; a contact's
/// tags are read by name from `/contacts/{id}/tags`, page by page.
public struct KeapClient: CRMClient {
    /// Always `.keap`.
    public var kind: CRMKind { .keap }
    private let call: CRMCall
    private let pageSize: Int

    /// A client for the account the key belongs to; `pageSize` is how many rows one list page asks for
    /// (tests lower it to exercise paging).
    public init(connection: CRMConnection, key: String, transport: any CRMTransport, pageSize: Int = 200) {
        call = CRMCall(
            baseURL: connection.baseURL, key: key, authHeaders: [(name: "X-Keap-API-Key", value: key)],
            transport: transport, errorText: Self.errorText)
        self.pageSize = max(1, pageSize)
    }

    /// `GET /crm/rest/v1/account/profile`: the account's name and email.
    public func verify() throws(CRMError) -> String {
        let profile = try call.json(.get, ["crm", "rest", "v1", "account", "profile"])
        _ = try profile.members()  // the profile is an object, even when its name and email are absent
        return call.describe("account", name: profile.optional("name")?.text, email: profile.optional("email")?.text)
    }

    /// The contact with its custom fields, then every page of its tags. The email is `EMAIL1` when the
    /// contact has one, else its first address.
    public func pull(_ contactID: String) throws(CRMError) -> ContactData {
        let contact = try call.json(
            .get, ["crm", "rest", "v1", "contacts", contactID],
            query: [(name: "optional_properties", value: "custom_fields")])
        let addresses = try contact.optional("email_addresses")?.elements() ?? []
        let primary = addresses.first { $0.optional("field")?.text == "EMAIL1" } ?? addresses.first
        var fields: [String: String] = [:]
        for field in try contact.optional("custom_fields")?.elements() ?? [] {
            if let content = field.optional("content")?.text { fields[try field.member("id").id()] = content }
        }
        var tags: [String] = []
        try call.offsetPages(
            ["crm", "rest", "v1", "contacts", contactID, "tags"], list: "tags", pageSize: pageSize, total: Self.count,
            visit: { applied throws(CRMError) in
                tags.append(try applied.member("tag").member("name").string())
                return true
            })
        return ContactData(
            contactID: contactID, email: primary?.optional("email")?.text,
            firstName: contact.optional("given_name")?.text, lastName: contact.optional("family_name")?.text,
            tags: tags, fields: fields)
    }

    /// `POST /crm/rest/v1/contacts/{id}/tags`, after creating the tag when no tag has exactly this name.
    public func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError) {
        let tagID = try existingOrNewTag(tag)
        _ = try call.send(
            .post, ["crm", "rest", "v1", "contacts", contact.id, "tags"],
            body: .object([("tagIds", .array([.id(tagID)]))]))
    }

    /// `DELETE /crm/rest/v1/contacts/{id}/tags?ids=`; nothing when no tag has this name.
    public func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError) {
        guard let tagID = try tagID(named: tag) else { return }
        _ = try call.send(
            .delete, ["crm", "rest", "v1", "contacts", contact.id, "tags"], query: [(name: "ids", value: tagID)])
    }

    /// `PATCH /crm/rest/v1/contacts/{id}` with the one custom field.
    public func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError) {
        let change: JSONValue = .object([
            ("custom_fields", .array([.object([("id", .id(field)), ("content", .string(value))])]))
        ])
        _ = try call.send(.patch, ["crm", "rest", "v1", "contacts", contact.id], body: change)
    }

    /// The id of the tag named `name`, created when there is none. (Not `tagID(named:) ?? createTag()`:
    /// `??`'s autoclosure would turn the typed error into `any Error`.)
    private func existingOrNewTag(_ name: String) throws(CRMError) -> String {
        if let id = try tagID(named: name) { return id }
        return try createTag(name)
    }

    /// The id of the tag named exactly `name` (the `name` filter is not trusted to be exact), searching
    /// every page; nil when there is none.
    private func tagID(named name: String) throws(CRMError) -> String? {
        var found: String?
        try call.offsetPages(
            ["crm", "rest", "v1", "tags"], query: [(name: "name", value: name)], list: "tags", pageSize: pageSize,
            total: Self.count,
            visit: { tag throws(CRMError) in
                guard try tag.member("name").string() == name else { return true }
                found = try tag.member("id").id()
                return false
            })
        return found
    }

    private func createTag(_ name: String) throws(CRMError) -> String {
        try call.json(.post, ["crm", "rest", "v1", "tags"], body: .object([("name", .string(name))])).member("id").id()
    }

    /// A list page's total row count.
    private static func count(_ page: ResponseValue) throws(CRMError) -> Int {
        try page.member("count").int()
    }

    /// `{"message": "..."}`, or the API gateway's `{"fault": {"faultstring": "..."}}`.
    static func errorText(_ body: ResponseValue) -> String? {
        body.optional("message")?.text ?? body.optional("fault")?.optional("faultstring")?.text
    }
}
