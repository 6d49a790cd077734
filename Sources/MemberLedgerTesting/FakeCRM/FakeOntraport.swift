import MemberLedgerCore
import MemberLedgerHTTP

/// Ontraport API v1 as a fake speaks it: `Api-Appid` and `Api-Key` headers (either wrong or missing:
/// 401 with a text/plain message), every answer wrapped as `{"code":0,"data":…,"account_id":…}` with
/// ids as strings, errors as text/plain messages.
///
/// Routes under `/1`: `GET /objects/meta?objectID=0&format=byId`; `GET /object?objectID=0&id=ID` (the
/// contact with its tag ids in `contact_cat` as `*/*1*/*5*/*` and its fields by key);
/// `GET /objects?objectID=14&start=&range=` (the tags; `range` is honoured up to Ontraport's largest,
/// 50, and is `pageSize` when not given, the one list that does not cap at `pageSize`, because a client
/// can only end Ontraport's paging at a short page); `PUT /objects/tagByName`
/// with `add_names` and `DELETE /objects/tagByName` with `remove_names`, both with a JSON body naming
/// contact `ids`, creating missing tags; `PUT /objects {"objectID":0,"id":…,KEY:VALUE}` (`firstname`,
/// `lastname` and `email` are the contact's own; every other key is a field).
enum FakeOntraport: FakeCRMDialect {
    static let rateLimitMessage = "You have exceeded the rate limit of 180 requests per minute."

    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse? {
        if request.headers["Api-Appid"] == settings.appID && request.headers["Api-Key"] == settings.key { return nil }
        return error(401, "Your App ID and API Key do not authenticate.")
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .text(status, message)
    }

    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        if request.match("GET", "/1/objects/meta") != nil {
            guard request.query("objectID") == "0" else { return error(400, "Invalid objectID") }
            let names = ["firstname": "First Name", "lastname": "Last Name", "email": "Email"]
            let fields = names.keys.sorted().map { key in
                (key, JSONValue.object([("alias", .string(names[key] ?? key)), ("type", .string("text"))]))
            }
            return success(
                .object([("0", .object([("name", .string("Contact")), ("fields", .object(fields))]))]), settings)
        }
        if request.match("GET", "/1/object") != nil {
            guard request.query("objectID") == "0" else { return error(400, "Invalid objectID") }
            let id = request.query("id") ?? ""
            guard let contact = store.contact(id), let taggings = store.taggings(of: id) else {
                return missingContact(id)
            }
            return success(contactObject(contact, tagIDs: taggings.map(\.tag.id)), settings)
        }
        if request.match("GET", "/1/objects") != nil {
            guard request.query("objectID") == "14" else { return error(400, "Invalid objectID") }
            let start = request.queryCount("start") ?? 0
            // Ontraport's lists say nothing of a total, so a client ends at a short page: a page must be
            // as long as asked (up to Ontraport's largest, 50) or a correct client would stop early.
            // `pageSize` is the length when none is asked for.
            let range = min(request.queryCount("range") ?? settings.pageSize, 50)
            let tags = store.tags.dropFirst(start).prefix(range).map { tag in
                JSONValue.object([
                    ("tag_id", .string(String(tag.id))), ("tag_name", .string(tag.name)),
                    ("object_type_id", .string("0")),
                ])
            }
            return success(.array(tags), settings)
        }
        if request.match("PUT", "/1/objects/tagByName") != nil {
            return changeTags(request, names: "add_names", store: &store, settings: settings)
        }
        if request.match("DELETE", "/1/objects/tagByName") != nil {
            return changeTags(request, names: "remove_names", store: &store, settings: settings)
        }
        if request.match("PUT", "/1/objects") != nil {
            return update(request, store: &store, settings: settings)
        }
        return notFound
    }

    /// `PUT` or `DELETE /objects/tagByName {"objectID":0,"ids":[…],NAMES:[…]}`: adds (creating missing
    /// tags) or removes by name; ids of no contact are skipped, as Ontraport does.
    private static func changeTags(
        _ request: FakeCRMRequest, names key: String, store: inout FakeCRMStore, settings: FakeCRMSettings
    ) -> HTTPResponse {
        guard let body = request.body, body["objectID"]?.idText == "0" else {
            return error(400, "objectID 0 (Contacts) is required")
        }
        guard let ids = contactIDs(body["ids"]), let names = body[key]?.arrayValue?.compactMap(\.stringValue),
            !names.isEmpty
        else {
            return error(400, "ids and \(key) are required")
        }
        for name in names {
            if key == "add_names" {
                let tag = store.ensureTag(name)
                for id in ids { _ = store.apply(tag, to: id) }
            } else if let tag = store.tag(named: name) {
                for id in ids { _ = store.remove(tagID: tag.id, from: id) }
            }
        }
        return success(.string("The tag is now being processed."), settings)
    }

    /// `PUT /objects {"objectID":0,"id":…,…}`: answers the changed attributes under `attrs`.
    private static func update(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        guard let body = request.body, let members = body.objectValue, body["objectID"]?.idText == "0" else {
            return error(400, "objectID 0 (Contacts) is required")
        }
        guard let id = body["id"]?.idText else { return error(400, "id is required") }
        guard store.contact(id) != nil else { return missingContact(id) }
        var attributes: [(key: String, value: JSONValue)] = []
        for (key, value) in members where key != "objectID" && key != "id" {
            let text = value.valueText
            switch key {
            case "firstname": store.update(id) { $0.firstName = text }
            case "lastname": store.update(id) { $0.lastName = text }
            case "email": store.update(id) { $0.email = text }
            default: store.setField(key, to: text.flatMap { $0.isEmpty ? nil : $0 }, of: id)
            }
            attributes.append((key, .optional(text)))
        }
        attributes.append(("id", .string(id)))
        return success(.object([("attrs", .object(attributes))]), settings)
    }

    /// A contact's record: its own fields, `contact_cat`, then its custom fields by key.
    private static func contactObject(_ contact: FakeCRM.Contact, tagIDs: [Int]) -> JSONValue {
        let categories = tagIDs.isEmpty ? "" : "*/*" + tagIDs.map(String.init).joined(separator: "*/*") + "*/*"
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(contact.id)), ("owner", .string("1")), ("firstname", .optional(contact.firstName)),
            ("lastname", .optional(contact.lastName)), ("email", .optional(contact.email)),
            ("contact_cat", .string(categories)),
        ]
        for key in contact.fields.keys.sorted() { members.append((key, .optional(contact.fields[key]))) }
        return .object(members)
    }

    /// Contact ids given as a JSON array of ids or as a comma-separated string.
    private static func contactIDs(_ value: JSONValue?) -> [String]? {
        if let list = value?.arrayValue { return list.compactMap(\.idText) }
        return value?.stringValue?.split(separator: ",").map(String.init)
    }

    private static func success(_ data: JSONValue, _ settings: FakeCRMSettings) -> HTTPResponse {
        .json(200, .object([("code", .int(0)), ("data", data), ("account_id", .string(settings.accountID))]))
    }

    private static func missingContact(_ id: String) -> HTTPResponse {
        error(404, "Object not found: no contact with id \(id)")
    }
}
