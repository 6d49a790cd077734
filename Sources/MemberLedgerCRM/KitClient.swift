import MemberLedgerCore

/// Kit's API v4 (`X-Kit-Api-Key` header). Lists are cursor-paged; a subscriber has one name
/// (`first_name`) and custom fields by key, so a last name is read from the `last_name` field. Kit
/// posts no webhooks of its own accord: `registerWebhook` asks for one per tag.
public struct KitClient: CRMClient {
    /// Always `.kit`.
    public var kind: CRMKind { .kit }
    private let call: CRMCall
    private let pageSize: Int

    /// The event Kit fires when a tag is added to a subscriber.
    public static let tagAddEvent = "subscriber.tag_add"

    /// A client for the account the key belongs to; `pageSize` is how many rows one list page asks for
    /// (at most 1000; tests lower it to exercise paging).
    public init(connection: CRMConnection, key: String, transport: any CRMTransport, pageSize: Int = 500) {
        call = CRMCall(
            baseURL: connection.baseURL, key: key, authHeaders: [(name: "X-Kit-Api-Key", value: key)],
            transport: transport, errorText: Self.errorText)
        self.pageSize = min(max(1, pageSize), 1000)
    }

    /// `GET /v4/account`: the account's name and its user's email.
    public func verify() throws(CRMError) -> String {
        let answer = try call.json(.get, ["v4", "account"])
        return call.describe(
            "account", name: try answer.member("account").optional("name")?.text,
            email: answer.optional("user")?.optional("email")?.text)
    }

    /// The subscriber (fields whose value is null are absent), then every page of its tags.
    public func pull(_ contactID: String) throws(CRMError) -> ContactData {
        let subscriber = try call.json(.get, ["v4", "subscribers", contactID]).member("subscriber")
        var fields: [String: String] = [:]
        for (key, value) in try subscriber.optional("fields")?.members() ?? [] {
            if let text = value.text { fields[key] = text }
        }
        var tags: [String] = []
        try call.cursorPages(["v4", "subscribers", contactID, "tags"], list: "tags", pageSize: pageSize) {
            tag throws(CRMError) in
            tags.append(try tag.member("name").string())
            return true
        }
        return ContactData(
            contactID: contactID, email: subscriber.optional("email_address")?.text,
            firstName: subscriber.optional("first_name")?.text, lastName: fields["last_name"], tags: tags,
            fields: fields)
    }

    /// `POST /v4/tags/{tag_id}/subscribers/{id}`, after creating the tag when no tag has exactly this name.
    public func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError) {
        let tagID = try existingOrNewTag(tag)
        _ = try call.send(.post, ["v4", "tags", tagID, "subscribers", contact.id], body: .object([]))
    }

    /// `DELETE /v4/tags/{tag_id}/subscribers/{id}`; Kit's 404 for a subscriber without the tag, and a tag
    /// that does not exist, are both already removed.
    public func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError) {
        guard let tagID = try tagID(named: tag) else { return }
        _ = try call.send(.delete, ["v4", "tags", tagID, "subscribers", contact.id], accepting: [404])
    }

    /// `PUT /v4/subscribers/{id}`: `first_name` is the subscriber's own attribute, every other key a
    /// custom field.
    public func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError) {
        let change: JSONValue =
            field == "first_name"
            ? .object([("first_name", .string(value))]) : .object([("fields", .object([(field, .string(value))]))])
        _ = try call.send(.put, ["v4", "subscribers", contact.id], body: change)
    }

    /// Asks Kit to post `subscriber.tag_add` for the tag `tagName` (created first when missing) to
    /// `targetURL`.
    public func registerWebhook(targetURL: String, tagName: String) throws(CRMError) -> KitWebhook {
        let tagID = try existingOrNewTag(tagName)
        let request: JSONValue = .object([
            ("target_url", .string(targetURL)),
            ("event", .object([("name", .string(Self.tagAddEvent)), ("tag_id", .id(tagID))])),
        ])
        return try Self.webhook(try call.json(.post, ["v4", "webhooks"], body: request).member("webhook"))
    }

    /// Every webhook registered in the account, all pages.
    public func webhooks() throws(CRMError) -> [KitWebhook] {
        var hooks: [KitWebhook] = []
        try call.cursorPages(["v4", "webhooks"], list: "webhooks", pageSize: pageSize) { hook throws(CRMError) in
            hooks.append(try Self.webhook(hook))
            return true
        }
        return hooks
    }

    /// `DELETE /v4/webhooks/{id}`; a webhook already gone (404) is removed.
    public func removeWebhook(id: String) throws(CRMError) {
        _ = try call.send(.delete, ["v4", "webhooks", id], accepting: [404])
    }

    /// The id of the tag named `name`, created when there is none. (Not `tagID(named:) ?? createTag()`:
    /// `??`'s autoclosure would turn the typed error into `any Error`.)
    private func existingOrNewTag(_ name: String) throws(CRMError) -> String {
        if let id = try tagID(named: name) { return id }
        return try createTag(name)
    }

    /// The id of the tag named exactly `name`, reading pages until it is found; nil when there is none.
    private func tagID(named name: String) throws(CRMError) -> String? {
        var found: String?
        try call.cursorPages(["v4", "tags"], list: "tags", pageSize: pageSize) { tag throws(CRMError) in
            guard try tag.member("name").string() == name else { return true }
            found = try tag.member("id").id()
            return false
        }
        return found
    }

    /// `POST /v4/tags`, which answers 201 with a new tag or 200 with the one of that name.
    private func createTag(_ name: String) throws(CRMError) -> String {
        try call.json(.post, ["v4", "tags"], body: .object([("name", .string(name))])).member("tag").member("id").id()
    }

    private static func webhook(_ hook: ResponseValue) throws(CRMError) -> KitWebhook {
        let event = try hook.member("event")
        return KitWebhook(
            id: try hook.member("id").id(), eventName: try event.member("name").string(),
            tagID: try event.optional("tag_id")?.id(), targetURL: try hook.member("target_url").string())
    }

    /// `{"errors": ["..."]}` joined by `; `, or a lone `message`/`error`.
    static func errorText(_ body: ResponseValue) -> String? {
        if let errors = try? body.member("errors").elements() {
            return errors.compactMap(\.text).joined(separator: "; ")
        }
        return body.optional("message")?.text ?? body.optional("error")?.text
    }
}
