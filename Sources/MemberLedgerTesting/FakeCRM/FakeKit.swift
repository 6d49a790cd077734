import MemberLedgerCore
import MemberLedgerHTTP

/// Kit API v4 as a fake speaks it: the key in `X-Kit-Api-Key` (wrong or missing: 401
/// `{"errors":["The access token is invalid"]}`), ids as numbers, errors as `{"errors":[…]}`, lists
/// paged by cursor (`per_page`, default 500; `after`; a `pagination` object whose cursors are Base64 of
/// `[ID]`, as Kit's are).
///
/// Routes under `/v4`: `GET /account`; `GET /subscribers/{id}` (`first_name` top-level; every custom
/// field the account knows under `fields`, `null` where unset; `last_name` is a field);
/// `GET /subscribers/{id}/tags`; `GET /tags`; `POST /tags` (201, or 200 with the tag of that name);
/// `POST /tags/{tag_id}/subscribers/{id}` (201, or 200 when already tagged; unknown tag or subscriber
/// 404); `DELETE /tags/{tag_id}/subscribers/{id}` (204; 404 when not tagged);
/// `PUT /subscribers/{id}` with `first_name`, `email_address` and `fields`; `POST /webhooks`,
/// `GET /webhooks`, `DELETE /webhooks/{id}`.
enum FakeKit: FakeCRMDialect {
    static let rateLimitMessage = "Too many requests: the limit is 120 requests per rolling 60 seconds"

    private static let timestamp = "2024-01-01T00:00:00Z"

    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse? {
        request.headers["X-Kit-Api-Key"] == settings.key ? nil : error(401, "The access token is invalid")
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, .object([("errors", .array([.string(message)]))]))
    }

    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        if request.match("GET", "/v4/account") != nil {
            return .json(
                200,
                .object([
                    ("user", .object([("email", .string("owner@example.com"))])),
                    (
                        "account",
                        .object([
                            ("id", .numeric(settings.accountID)), ("name", .string("Fake Kit Account")),
                            ("plan_type", .string("creator")), ("primary_email_address", .string("owner@example.com")),
                        ])
                    ),
                ]))
        }
        if let id = request.match("GET", "/v4/subscribers/*")?.first {
            guard let subscriber = subscriber(id, store: store) else { return notFound }
            return .json(200, .object([("subscriber", subscriber)]))
        }
        if let id = request.match("GET", "/v4/subscribers/*/tags")?.first {
            guard let taggings = store.taggings(of: id) else { return notFound }
            let items = taggings.sorted { $0.tag.id < $1.tag.id }.map { tagging in
                (
                    tagging.tag.id,
                    JSONValue.object([
                        ("id", .int(tagging.tag.id)), ("name", .string(tagging.tag.name)),
                        ("tagged_at", .string(timestamp)),
                    ])
                )
            }
            return page(items, named: "tags", request: request, settings: settings)
        }
        if request.match("GET", "/v4/tags") != nil {
            return page(store.tags.map { ($0.id, tagObject($0)) }, named: "tags", request: request, settings: settings)
        }
        if request.match("POST", "/v4/tags") != nil {
            guard let name = request.body?["name"]?.stringValue, !name.isEmpty else {
                return error(422, "Name can't be blank")
            }
            if let existing = store.tag(named: name) { return .json(200, .object([("tag", tagObject(existing))])) }
            return .json(201, .object([("tag", tagObject(store.createTag(name)))]))
        }
        if let ids = request.match("POST", "/v4/tags/*/subscribers/*") {
            guard let tag = Int(ids[0]).flatMap(store.tag(id:)), let applied = store.apply(tag, to: ids[1]) else {
                return notFound
            }
            let tagged = subscriber(ids[1], store: store, extra: [("tagged_at", .string(timestamp))]) ?? .null
            return .json(applied.isNew ? 201 : 200, .object([("subscriber", tagged)]))
        }
        if let ids = request.match("DELETE", "/v4/tags/*/subscribers/*") {
            guard let tagID = Int(ids[0]), store.remove(tagID: tagID, from: ids[1]) == true else { return notFound }
            return .noContent
        }
        if let id = request.match("PUT", "/v4/subscribers/*")?.first {
            return update(request, id, store: &store)
        }
        if request.match("POST", "/v4/webhooks") != nil {
            return addWebhook(request, store: &store, settings: settings)
        }
        if request.match("GET", "/v4/webhooks") != nil {
            let items = store.webhooks.map { (Int($0.id) ?? 0, webhookObject($0, settings: settings)) }
            return page(items, named: "webhooks", request: request, settings: settings)
        }
        if let id = request.match("DELETE", "/v4/webhooks/*")?.first {
            return store.removeWebhook(id: id) ? .noContent : notFound
        }
        return notFound
    }

    /// `PUT /subscribers/{id}`: `first_name` and `email_address` top-level, custom fields under `fields`
    /// (`null` clears one).
    private static func update(_ request: FakeCRMRequest, _ id: String, store: inout FakeCRMStore) -> HTTPResponse {
        guard store.contact(id) != nil else { return notFound }
        guard let body = request.body, body.objectValue != nil else { return error(422, "A JSON body is required") }
        if let fields = body["fields"], fields.objectValue == nil, !fields.isNull {
            return error(422, "Fields must be an object")
        }
        if let email = body["email_address"], email.stringValue?.isEmpty ?? true {
            return error(422, "Email address is invalid")
        }
        store.update(id) { contact in
            if let first = body["first_name"] { contact.firstName = first.stringValue }
            if let email = body["email_address"]?.stringValue { contact.email = email }
        }
        for (key, value) in body["fields"]?.objectValue ?? [] { store.setField(key, to: value.valueText, of: id) }
        return .json(200, .object([("subscriber", subscriber(id, store: store) ?? .null)]))
    }

    /// `POST /webhooks {"target_url":…,"event":{"name":…,"tag_id":…}}`.
    private static func addWebhook(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        guard let target = request.body?["target_url"]?.stringValue, !target.isEmpty else {
            return error(422, "Target url can't be blank")
        }
        guard let event = request.body?["event"]?["name"]?.stringValue, !event.isEmpty else {
            return error(422, "Event name can't be blank")
        }
        let tagID = request.body?["event"]?["tag_id"]?.idText ?? ""
        if event.hasPrefix("subscriber.tag_") && tagID.isEmpty { return error(422, "Tag id can't be blank") }
        let webhook = store.addWebhook(event: event, tagID: tagID, targetURL: target)
        return .json(201, .object([("webhook", webhookObject(webhook, settings: settings))]))
    }

    /// A subscriber as Kit writes it, `extra` members before `fields`; nil when there is no such one.
    private static func subscriber(
        _ id: String, store: FakeCRMStore, extra: [(key: String, value: JSONValue)] = []
    ) -> JSONValue? {
        guard let contact = store.contact(id) else { return nil }
        let fields = store.fieldKeys.map { ($0, JSONValue.optional(contact.fields[$0])) }
        return .object(
            [
                ("id", .numeric(id)), ("first_name", .optional(contact.firstName)),
                ("email_address", .optional(contact.email)), ("state", .string("active")),
                ("created_at", .string(timestamp)),
            ] + extra + [("fields", .object(fields))])
    }

    private static func tagObject(_ tag: FakeCRMStore.Tag) -> JSONValue {
        .object([("id", .int(tag.id)), ("name", .string(tag.name)), ("created_at", .string(timestamp))])
    }

    private static func webhookObject(_ webhook: FakeCRM.KitWebhook, settings: FakeCRMSettings) -> JSONValue {
        var event: [(key: String, value: JSONValue)] = [("name", .string(webhook.event))]
        if !webhook.tagID.isEmpty { event.append(("tag_id", .numeric(webhook.tagID))) }
        return .object([
            ("id", .numeric(webhook.id)), ("account_id", .numeric(settings.accountID)), ("event", .object(event)),
            ("target_url", .string(webhook.targetURL)),
        ])
    }

    /// A page of `items` (ordered by id) after the `after` cursor, `per_page` long, as
    /// `{NAME:[…],"pagination":{…}}`.
    private static func page(
        _ items: [(id: Int, value: JSONValue)], named name: String, request: FakeCRMRequest, settings: FakeCRMSettings
    ) -> HTTPResponse {
        var after: Int?
        if let cursor = request.query("after"), !cursor.isEmpty {
            guard let id = cursorID(cursor) else { return error(400, "Invalid cursor: \(cursor)") }
            after = id
        }
        let remaining = items.filter { after == nil || $0.id > after! }
        let length = settings.pageLength(requested: request.queryCount("per_page"), default: 500)
        let page = remaining.prefix(length)
        let pagination: JSONValue = .object([
            ("has_previous_page", .bool(after != nil && items.first.map { $0.id <= after! } == true)),
            ("has_next_page", .bool(remaining.count > page.count)),
            ("start_cursor", .optional(page.first.map { cursor($0.id) })),
            ("end_cursor", .optional(page.last.map { cursor($0.id) })), ("per_page", .int(length)),
        ])
        return .json(200, .object([(name, .array(page.map(\.value))), ("pagination", pagination)]))
    }

    /// Kit's cursor for an item: Base64 of `[ID]`.
    private static func cursor(_ id: Int) -> String {
        Base64.encode(Array("[\(id)]".utf8))
    }

    /// The id in a cursor; nil when it is not one of ours.
    private static func cursorID(_ cursor: String) -> Int? {
        guard let bytes = Base64.decode(cursor) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("["), text.hasSuffix("]") else { return nil }
        return Int(text.dropFirst().dropLast())
    }
}
