import MemberLedgerCore
import MemberLedgerHTTP

/// Keap REST v1 as a fake speaks it: the key in `X-Keap-API-Key` or as `Authorization: Bearer KEY`
/// (wrong or missing: 401, `{"fault":{"faultstring":"Invalid Access Token",…}}` when a bearer token was
/// sent, `{"message":"Invalid Key"}` otherwise), contact, tag and custom field ids as numbers, errors as
/// `{"message":…}`.
///
/// Routes under `/crm/rest/v1`: `GET /account/profile`; `GET /contacts/{id}` (custom fields only with
/// `optional_properties=custom_fields`, as Keap does); `GET /contacts/{id}/tags?limit=&offset=`;
/// `GET /tags?name=&limit=&offset=` (exact name; a repeated name is allowed, as in Keap); `POST /tags`;
/// `POST /contacts/{id}/tags {"tagIds":[…]}` (every id must exist, else 400 and nothing applied);
/// `DELETE /contacts/{id}/tags?ids=1,2` and `DELETE /contacts/{id}/tags/{tagId}` (204 even when not
/// tagged); `PATCH /contacts/{id}` with `custom_fields`, `given_name`, `family_name`. Lists default to
/// 1000 items and carry the total in `count`.
enum FakeKeap: FakeCRMDialect {
    static let rateLimitMessage = "Quota Exceeded"

    private static let timestamp = "2024-01-01T00:00:00.000+0000"
    private static let root = "/crm/rest/v1"

    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse? {
        let bearer = request.headers["Authorization"]
        if request.headers["X-Keap-API-Key"] == settings.key || bearer == "Bearer \(settings.key)" { return nil }
        guard bearer != nil else { return error(401, "Invalid Key") }
        return .json(
            401,
            .object([
                (
                    "fault",
                    .object([
                        ("faultstring", .string("Invalid Access Token")),
                        ("detail", .object([("errorcode", .string("keymanagement.service.invalid_access_token"))])),
                    ])
                )
            ]))
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, .object([("message", .string(message))]))
    }

    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        if request.match("GET", root + "/account/profile") != nil {
            return .json(
                200,
                .object([
                    ("name", .string("Fake Keap Account")), ("email", .string("owner@example.com")),
                    ("time_zone", .string("UTC")),
                ]))
        }
        if let id = request.match("GET", root + "/contacts/*")?.first {
            let properties = (request.query("optional_properties") ?? "").split(separator: ",")
            guard let contact = contactObject(id, store: store, customFields: properties.contains("custom_fields"))
            else { return missingContact(id) }
            return .json(200, contact)
        }
        if let id = request.match("GET", root + "/contacts/*/tags")?.first {
            guard let taggings = store.taggings(of: id) else { return missingContact(id) }
            let items = taggings.map { tagging in
                JSONValue.object([
                    (
                        "tag",
                        .object([
                            ("id", .int(tagging.tag.id)), ("name", .string(tagging.tag.name)), ("category", .null),
                        ])
                    ),
                    ("date_applied", .string(timestamp)),
                ])
            }
            return list(items, request: request, settings: settings)
        }
        if request.match("GET", root + "/tags") != nil {
            let name = request.query("name")
            let matching = store.tags.filter { name == nil || $0.name == name }
            return list(matching.map(tagObject), request: request, settings: settings)
        }
        if request.match("POST", root + "/tags") != nil {
            guard let name = request.body?["name"]?.stringValue, !name.isEmpty else {
                return error(400, "Tag name is required")
            }
            return .json(201, tagObject(store.createTag(name)))
        }
        if let id = request.match("POST", root + "/contacts/*/tags")?.first {
            return applyTags(request, to: id, store: &store)
        }
        if let id = request.match("DELETE", root + "/contacts/*/tags")?.first {
            let ids = (request.query("ids") ?? "").split(separator: ",").compactMap { Int($0) }
            return removeTags(ids, from: id, store: &store)
        }
        if let ids = request.match("DELETE", root + "/contacts/*/tags/*") {
            return removeTags(Int(ids[1]).map { [$0] } ?? [], from: ids[0], store: &store)
        }
        if let id = request.match("PATCH", root + "/contacts/*")?.first {
            return update(request, id, store: &store)
        }
        return notFound
    }

    /// `POST /contacts/{id}/tags {"tagIds":[…]}`: `{"ID":"SUCCESS",…}`.
    private static func applyTags(_ request: FakeCRMRequest, to id: String, store: inout FakeCRMStore)
        -> HTTPResponse
    {
        guard store.contact(id) != nil else { return missingContact(id) }
        guard let entries = request.body?["tagIds"]?.arrayValue, !entries.isEmpty else {
            return error(400, "tagIds is required")
        }
        let ids = entries.map { $0.idText.flatMap { Int($0) } }
        let tags = ids.map { $0.flatMap(store.tag(id:)) }
        if let unknown = zip(entries, tags).first(where: { $0.1 == nil })?.0 {
            return error(400, "Invalid tag id: \(unknown.idText ?? JSONWriter.string(unknown))")
        }
        var results: [(key: String, value: JSONValue)] = []
        for tag in tags.compactMap({ $0 }) {
            _ = store.apply(tag, to: id)
            results.append((String(tag.id), .string("SUCCESS")))
        }
        return .json(200, .object(results))
    }

    /// Takes tags off a contact: 204 whether or not it had them.
    private static func removeTags(_ ids: [Int], from id: String, store: inout FakeCRMStore) -> HTTPResponse {
        guard store.contact(id) != nil else { return missingContact(id) }
        guard !ids.isEmpty else { return error(400, "ids is required") }
        for tagID in ids { _ = store.remove(tagID: tagID, from: id) }
        return .noContent
    }

    /// `PATCH /contacts/{id}`: names and `custom_fields [{"id":6,"content":"x"}]`; answers the contact.
    private static func update(_ request: FakeCRMRequest, _ id: String, store: inout FakeCRMStore) -> HTTPResponse {
        guard store.contact(id) != nil else { return missingContact(id) }
        guard let body = request.body, body.objectValue != nil else { return error(400, "A JSON body is required") }
        var changes: [(key: String, value: String?)] = []
        for entry in body["custom_fields"]?.arrayValue ?? [] {
            guard let fieldID = entry["id"]?.idText, Int(fieldID) != nil else {
                return error(400, "Invalid custom field id: \(JSONWriter.string(entry["id"] ?? .null))")
            }
            changes.append((fieldID, entry["content"]?.valueText))
        }
        store.update(id) { contact in
            if let given = body["given_name"] { contact.firstName = given.stringValue }
            if let family = body["family_name"] { contact.lastName = family.stringValue }
        }
        for change in changes { store.setField(change.key, to: change.value, of: id) }
        return .json(200, contactObject(id, store: store, customFields: true) ?? .null)
    }

    /// A contact as Keap writes it; nil when there is no such contact. Absent names are left out.
    private static func contactObject(_ id: String, store: FakeCRMStore, customFields: Bool) -> JSONValue? {
        guard let contact = store.contact(id), let taggings = store.taggings(of: id) else { return nil }
        var members: [(key: String, value: JSONValue)] = [("id", .numeric(id))]
        if let given = contact.firstName { members.append(("given_name", .string(given))) }
        if let family = contact.lastName { members.append(("family_name", .string(family))) }
        let emails = contact.email.map { [JSONValue.object([("email", .string($0)), ("field", .string("EMAIL1"))])] }
        members.append(("email_addresses", .array(emails ?? [])))
        members.append(("tag_ids", .array(taggings.map { .int($0.tag.id) })))
        if customFields {
            let numbered = contact.fields.keys.compactMap { Int($0) }.sorted()
            members.append(
                (
                    "custom_fields",
                    .array(
                        numbered.map {
                            .object([("id", .int($0)), ("content", .optional(contact.fields[String($0)]))])
                        })
                ))
        }
        return .object(members)
    }

    private static func tagObject(_ tag: FakeCRMStore.Tag) -> JSONValue {
        .object([("id", .int(tag.id)), ("name", .string(tag.name)), ("description", .string("")), ("category", .null)])
    }

    /// A page of a list as `{"tags":[…],"count":TOTAL}`, by `limit` (default 1000) and `offset`.
    private static func list(_ items: [JSONValue], request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse {
        let offset = request.queryCount("offset") ?? 0
        let length = settings.pageLength(requested: request.queryCount("limit"), default: 1000)
        return .json(
            200,
            .object([("tags", .array(Array(items.dropFirst(offset).prefix(length)))), ("count", .int(items.count))]))
    }

    private static func missingContact(_ id: String) -> HTTPResponse {
        error(404, "Contact \(id) not found")
    }
}
