import MemberLedgerCore
import MemberLedgerHTTP

/// ActiveCampaign API v3 as a fake speaks it: `Api-Token` auth (a wrong or missing token is 403
/// `{"message":"No Result found for User with id 0"}`), every id a string, errors as `{"message":…}` or,
/// for a body naming a contact or tag that does not exist, 422 `{"errors":[{"title":…,"code":
/// "related_missing"}]}`.
///
/// Routes: `GET /api/3/users/me`; `GET /api/3/contacts/{id}` and its `/contactTags` and `/fieldValues`;
/// `GET /api/3/tags/{id}`; `GET /api/3/tags?search=&limit=&offset=` (substring search ignoring case,
/// default limit 20, `meta.total` as a string); `POST /api/3/tags` (a repeated name makes a second tag);
/// `POST /api/3/contactTags` (by tag id; an existing tagging is answered 201 as it is);
/// `DELETE /api/3/contactTags/{id}`; `POST /api/3/fieldValues` (upsert: 201 created, 200 updated).
enum FakeActiveCampaign: FakeCRMDialect {
    static let rateLimitMessage = "Too Many Requests: the account's limit of 5 requests per second was exceeded"

    private static let timestamp = "2024-01-01T00:00:00-06:00"

    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse? {
        request.headers["Api-Token"] == settings.key ? nil : error(403, "No Result found for User with id 0")
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, .object([("message", .string(message))]))
    }

    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        if request.match("GET", "/api/3/users/me") != nil {
            return .json(
                200,
                .object([
                    (
                        "user",
                        .object([
                            ("username", .string("admin")), ("firstName", .string("Fake")),
                            ("lastName", .string("Admin")), ("email", .string("admin@example.com")),
                            ("id", .string("1")),
                        ])
                    )
                ]))
        }
        if let id = request.match("GET", "/api/3/contacts/*")?.first {
            guard let contact = store.contact(id) else { return missing("Subscriber", id) }
            return .json(
                200,
                .object([
                    (
                        "contact",
                        .object([
                            ("cdate", .string(timestamp)), ("email", .string(contact.email ?? "")),
                            ("phone", .string("")), ("firstName", .string(contact.firstName ?? "")),
                            ("lastName", .string(contact.lastName ?? "")), ("id", .string(id)),
                        ])
                    )
                ]))
        }
        if let id = request.match("GET", "/api/3/contacts/*/contactTags")?.first {
            guard let taggings = store.taggings(of: id) else { return missing("Subscriber", id) }
            return .json(200, .object([("contactTags", .array(taggings.map { contactTag($0, of: id) }))]))
        }
        if let id = request.match("GET", "/api/3/contacts/*/fieldValues")?.first {
            guard let values = store.fieldValues(of: id) else { return missing("Subscriber", id) }
            return .json(
                200, .object([("fieldValues", .array(values.map { fieldValue($0.id, id, $0.key, $0.value) }))]))
        }
        if let id = request.match("GET", "/api/3/tags/*")?.first {
            guard let tag = Int(id).flatMap(store.tag(id:)) else { return missing("Tag", id) }
            return .json(200, .object([("tag", tagObject(tag))]))
        }
        if request.match("GET", "/api/3/tags") != nil {
            return searchTags(request, store: store, settings: settings)
        }
        if request.match("POST", "/api/3/tags") != nil {
            guard let name = request.body?["tag"]?["tag"]?.stringValue, !name.isEmpty else {
                return unprocessable("The tag name was not provided", code: "field_missing")
            }
            return .json(201, .object([("tag", tagObject(store.createTag(name)))]))
        }
        if request.match("POST", "/api/3/contactTags") != nil {
            return applyTag(request, store: &store)
        }
        if let id = request.match("DELETE", "/api/3/contactTags/*")?.first {
            guard let found = Int(id).flatMap(store.tagging(id:)) else { return missing("ContactTag", id) }
            _ = store.remove(tagID: found.tagging.tag.id, from: found.contactID)
            return .json(200, .object([]))
        }
        if request.match("POST", "/api/3/fieldValues") != nil {
            return setField(request, store: &store)
        }
        return notFound
    }

    /// `GET /api/3/tags?search=&limit=&offset=`: a page of the tags whose name contains `search`.
    private static func searchTags(_ request: FakeCRMRequest, store: FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        let search = (request.query("search") ?? "").lowercased()
        let matching = store.tags.filter { search.isEmpty || $0.name.lowercased().contains(search) }
        let offset = request.queryCount("offset") ?? 0
        let length = settings.pageLength(requested: request.queryCount("limit"), default: 20)
        let page = matching.dropFirst(offset).prefix(length)
        return .json(
            200,
            .object([
                ("tags", .array(page.map(tagObject))), ("meta", .object([("total", .string(String(matching.count)))])),
            ]))
    }

    /// `POST /api/3/contactTags {"contactTag":{"contact":…,"tag":…}}`.
    private static func applyTag(_ request: FakeCRMRequest, store: inout FakeCRMStore) -> HTTPResponse {
        let fields = request.body?["contactTag"]
        guard let contactID = fields?["contact"]?.idText, store.contact(contactID) != nil else {
            return unprocessable("The related contact does not exist.", code: "related_missing")
        }
        guard let tag = fields?["tag"]?.idText.flatMap({ Int($0) }).flatMap(store.tag(id:)),
            let applied = store.apply(tag, to: contactID)
        else {
            return unprocessable("The related tag does not exist.", code: "related_missing")
        }
        return .json(201, .object([("contactTag", contactTag(applied.tagging, of: contactID))]))
    }

    /// `POST /api/3/fieldValues {"fieldValue":{"contact":…,"field":…,"value":…}}`, an upsert.
    private static func setField(_ request: FakeCRMRequest, store: inout FakeCRMStore) -> HTTPResponse {
        let fields = request.body?["fieldValue"]
        guard let contactID = fields?["contact"]?.idText, store.contact(contactID) != nil else {
            return unprocessable("The related contact does not exist.", code: "related_missing")
        }
        guard let field = fields?["field"]?.idText else {
            return unprocessable("The related field does not exist.", code: "related_missing")
        }
        let value = fields?["value"]?.valueText ?? ""
        let isNew = store.contact(contactID)?.fields[field] == nil
        let valueID = store.setField(field, to: value, of: contactID) ?? 0
        return .json(isNew ? 201 : 200, .object([("fieldValue", fieldValue(valueID, contactID, field, value))]))
    }

    private static func tagObject(_ tag: FakeCRMStore.Tag) -> JSONValue {
        .object([
            ("tagType", .string("contact")), ("tag", .string(tag.name)), ("description", .string("")),
            ("cdate", .string(timestamp)), ("id", .string(String(tag.id))),
        ])
    }

    private static func contactTag(_ tagging: FakeCRMStore.Tagging, of contactID: String) -> JSONValue {
        .object([
            ("contact", .string(contactID)), ("tag", .string(String(tagging.tag.id))), ("cdate", .string(timestamp)),
            ("id", .string(String(tagging.id))),
        ])
    }

    private static func fieldValue(_ id: Int, _ contactID: String, _ field: String, _ value: String) -> JSONValue {
        .object([
            ("contact", .string(contactID)), ("field", .string(field)), ("value", .string(value)),
            ("cdate", .string(timestamp)), ("udate", .string(timestamp)), ("id", .string(String(id))),
        ])
    }

    /// 404 `{"message":"No Result found for KIND with id ID"}`.
    private static func missing(_ kind: String, _ id: String) -> HTTPResponse {
        error(404, "No Result found for \(kind) with id \(id)")
    }

    /// 422 with one error in ActiveCampaign's `errors` list.
    private static func unprocessable(_ title: String, code: String) -> HTTPResponse {
        .json(
            422,
            .object([
                (
                    "errors",
                    .array([.object([("title", .string(title)), ("detail", .string("")), ("code", .string(code))])])
                )
            ]))
    }
}
