import MemberLedgerCore

/// ActiveCampaign's API v3 (`Api-Token` header). A contact's tags are links (`contactTags`) to tag ids,
/// each id read back to its name; custom fields are `fieldValues` keyed by the field's id.
///
/// Tag names are resolved with `GET /api/3/tags?search=`, which matches substrings: every page is
/// compared by exact name, so "Gold" never resolves to "Gold Plus".
public struct ActiveCampaignClient: CRMClient {
    /// Always `.activeCampaign`.
    public var kind: CRMKind { .activeCampaign }
    private let call: CRMCall
    private let pageSize: Int

    /// A client for the account at `connection.baseURL`; `pageSize` is how many tags one search page asks
    /// for (100, the API's largest; tests lower it to exercise paging).
    public init(connection: CRMConnection, key: String, transport: any CRMTransport, pageSize: Int = 100) {
        call = CRMCall(
            baseURL: connection.baseURL, key: key, authHeaders: [(name: "Api-Token", value: key)],
            transport: transport, errorText: Self.errorText)
        self.pageSize = max(1, pageSize)
    }

    /// `GET /api/3/users/me`: the key's user.
    public func verify() throws(CRMError) -> String {
        let user = try call.json(.get, ["api", "3", "users", "me"]).member("user")
        return call.describe("user", name: user.optional("username")?.text, email: user.optional("email")?.text)
    }

    /// The contact, then its tag links (each tag id read to its name), then its field values.
    public func pull(_ contactID: String) throws(CRMError) -> ContactData {
        let contact = try call.json(.get, ["api", "3", "contacts", contactID]).member("contact")
        var tags: [String] = []
        for link in try contactTags(contactID) {
            let tagID = try link.member("tag").id()
            tags.append(try call.json(.get, ["api", "3", "tags", tagID]).member("tag").member("tag").string())
        }
        var fields: [String: String] = [:]
        let values = try call.json(.get, ["api", "3", "contacts", contactID, "fieldValues"]).member("fieldValues")
        for value in try values.elements() {
            if let text = value.optional("value")?.text { fields[try value.member("field").id()] = text }
        }
        return ContactData(
            contactID: contactID, email: contact.optional("email")?.text,
            firstName: contact.optional("firstName")?.text, lastName: contact.optional("lastName")?.text, tags: tags,
            fields: fields)
    }

    /// `POST /api/3/contactTags`, after creating the tag when no tag has exactly this name. Applying a tag
    /// the contact has answers 201 with the existing link.
    public func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError) {
        let tagID = try existingOrNewTag(tag)
        let link: JSONValue = .object([
            ("contactTag", .object([("contact", .string(contact.id)), ("tag", .string(tagID))]))
        ])
        _ = try call.send(.post, ["api", "3", "contactTags"], body: link)
    }

    /// `DELETE /api/3/contactTags/{id}` for the contact's link to the tag; nothing when the tag does not
    /// exist or the contact lacks it.
    public func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError) {
        guard let tagID = try tagID(named: tag) else { return }
        for link in try contactTags(contact.id) where try link.member("tag").id() == tagID {
            _ = try call.send(.delete, ["api", "3", "contactTags", try link.member("id").id()])
        }
    }

    /// `POST /api/3/fieldValues`, an upsert by contact and field id.
    public func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError) {
        let fieldValue: JSONValue = .object([
            (
                "fieldValue",
                .object([("contact", .string(contact.id)), ("field", .string(field)), ("value", .string(value))])
            )
        ])
        _ = try call.send(.post, ["api", "3", "fieldValues"], body: fieldValue)
    }

    private func contactTags(_ contactID: String) throws(CRMError) -> [ResponseValue] {
        try call.json(.get, ["api", "3", "contacts", contactID, "contactTags"]).member("contactTags").elements()
    }

    /// The id of the tag named `name`, created when there is none. (Not `tagID(named:) ?? createTag()`:
    /// `??`'s autoclosure would turn the typed error into `any Error`.)
    private func existingOrNewTag(_ name: String) throws(CRMError) -> String {
        if let id = try tagID(named: name) { return id }
        return try createTag(name)
    }

    /// The id of the tag named exactly `name`, searching every page; nil when there is none.
    private func tagID(named name: String) throws(CRMError) -> String? {
        var found: String?
        try call.offsetPages(
            ["api", "3", "tags"], query: [(name: "search", value: name)], list: "tags", pageSize: pageSize,
            total: { page throws(CRMError) in try page.member("meta").member("total").int() },
            visit: { tag throws(CRMError) in
                guard try tag.member("tag").string() == name else { return true }
                found = try tag.member("id").id()
                return false
            })
        return found
    }

    private func createTag(_ name: String) throws(CRMError) -> String {
        let tag: JSONValue = .object([
            ("tag", .object([("tag", .string(name)), ("tagType", .string("contact")), ("description", .string(""))]))
        ])
        return try call.json(.post, ["api", "3", "tags"], body: tag).member("tag").member("id").id()
    }

    /// `{"message": "..."}`, or `{"errors": [{"title": "...", "detail": "..."}]}` (each as `title: detail`,
    /// joined by `; `).
    static func errorText(_ body: ResponseValue) -> String? {
        if let message = body.optional("message")?.text { return message }
        guard let errors = try? body.member("errors").elements() else { return nil }
        let texts = errors.map { error in
            [error.optional("title")?.text, error.optional("detail")?.text].compactMap { $0 }.filter { !$0.isEmpty }
                .joined(separator: ": ")
        }
        return texts.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}
