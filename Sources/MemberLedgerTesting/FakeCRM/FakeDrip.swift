import MemberLedgerCore
import MemberLedgerHTTP

/// Drip API v2 as a fake speaks it: HTTP Basic auth with the key as user and any password (wrong or
/// missing: 401 `authentication_error`), the account id in every path but `/v2/accounts` (another
/// account: 403 `authorization_error`), tags and custom fields by name, errors as
/// `{"errors":[{"code":…,"message":…}]}`.
///
/// Routes under `/v2`: `GET /accounts`; `GET /{acct}/subscribers/{id or email}`;
/// `POST /{acct}/tags {"tags":[{"email":…,"tag":…}]}` (201, empty body; creates a missing tag, and a
/// subscriber for an email Drip has not seen, as Drip does; `subscriber_id` is taken too);
/// `DELETE /{acct}/subscribers/{id or email}/tags/{tag}` (204 even when not tagged);
/// `POST /{acct}/subscribers {"subscribers":[{…}]}` (an upsert by `id`, else by `email`, with
/// `first_name`, `last_name`, `custom_fields` (`null` clears one), `tags` and `remove_tags`).
enum FakeDrip: FakeCRMDialect {
    static let rateLimitMessage = "API rate limit exceeded. Please try again in an hour."

    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse? {
        guard let user = basicUser(request.headers["Authorization"]), user == settings.key else {
            return error(401, "You are not authorized")
        }
        if request.segments.count > 1, request.segments[0] == "v2", request.segments[1] != "accounts",
            request.segments[1] != settings.accountID
        {
            return error(403, "You are not authorized to access this resource")
        }
        return nil
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let code =
            switch status {
            case 401: "authentication_error"
            case 403: "authorization_error"
            case 404: "not_found_error"
            case 422: "validation_error"
            case 429: "too_many_requests"
            case 400..<500: "bad_request_error"
            default: "server_error"
            }
        return .json(
            status, .object([("errors", .array([.object([("code", .string(code)), ("message", .string(message))])]))]))
    }

    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
    {
        if request.match("GET", "/v2/accounts") != nil {
            return .json(
                200,
                .object([
                    (
                        "accounts",
                        .array([
                            .object([
                                ("id", .string(settings.accountID)), ("name", .string("Fake Drip Account")),
                                ("url", .string("www.example.com")),
                            ])
                        ])
                    )
                ]))
        }
        if let key = request.match("GET", "/v2/*/subscribers/*")?.last {
            guard let id = store.contactID(matching: key) else { return missing }
            return subscribers([id], status: 200, store: store)
        }
        if request.match("POST", "/v2/*/tags") != nil {
            return applyTags(request, store: &store)
        }
        if let captures = request.match("DELETE", "/v2/*/subscribers/*/tags/*") {
            guard let id = store.contactID(matching: captures[1]) else { return missing }
            if let tag = store.tag(named: captures[2]) { _ = store.remove(tagID: tag.id, from: id) }
            return .noContent
        }
        if request.match("POST", "/v2/*/subscribers") != nil {
            return upsert(request, store: &store)
        }
        return notFound
    }

    /// `POST /tags {"tags":[{"email":…,"tag":…}]}`: checks every entry, then applies them all.
    private static func applyTags(_ request: FakeCRMRequest, store: inout FakeCRMStore) -> HTTPResponse {
        guard let entries = request.body?["tags"]?.arrayValue, !entries.isEmpty else {
            return error(422, "Tags must be present")
        }
        var work: [(key: String, email: String?, tag: String)] = []
        for entry in entries {
            guard let tag = entry["tag"]?.stringValue, !tag.isEmpty else { return error(422, "Tag must be present") }
            if let id = entry["subscriber_id"]?.idText {
                guard store.contactID(matching: id) != nil else { return missing }
                work.append((id, nil, tag))
            } else if let email = entry["email"]?.stringValue, email.contains("@") {
                work.append((email, email, tag))
            } else {
                return error(422, "Email is invalid")
            }
        }
        for item in work {
            let id = store.contactID(matching: item.key) ?? create(email: item.email ?? item.key, store: &store)
            _ = store.apply(store.ensureTag(item.tag), to: id)
        }
        return HTTPResponse(status: 201)
    }

    /// `POST /subscribers {"subscribers":[{…}]}`: updates by `id` (which must exist) or by `email`
    /// (created when new), and answers the subscribers.
    private static func upsert(_ request: FakeCRMRequest, store: inout FakeCRMStore) -> HTTPResponse {
        guard let entries = request.body?["subscribers"]?.arrayValue, !entries.isEmpty else {
            return error(422, "Subscribers must be present")
        }
        var ids: [String] = []
        for entry in entries {
            let id: String
            if let given = entry["id"]?.idText {
                guard store.contact(given) != nil else { return missing }
                id = given
            } else if let email = entry["email"]?.stringValue, email.contains("@") {
                id = store.contactID(matching: email) ?? create(email: email, store: &store)
            } else {
                return error(422, "Email is invalid")
            }
            store.update(id) { contact in
                if let first = entry["first_name"] { contact.firstName = first.stringValue }
                if let last = entry["last_name"] { contact.lastName = last.stringValue }
                if entry["id"] != nil, let email = entry["email"]?.stringValue { contact.email = email }
            }
            for (name, value) in entry["custom_fields"]?.objectValue ?? [] {
                store.setField(name, to: value.valueText, of: id)
            }
            for name in entry["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                _ = store.apply(store.ensureTag(name), to: id)
            }
            for name in entry["remove_tags"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                if let tag = store.tag(named: name) { _ = store.remove(tagID: tag.id, from: id) }
            }
            ids.append(id)
        }
        return subscribers(ids, status: 200, store: store)
    }

    /// A new subscriber with a Drip-like id.
    private static func create(email: String, store: inout FakeCRMStore) -> String {
        let id = store.newContactID(prefix: "zfake")
        store.insert(FakeCRM.Contact(id: id, email: email))
        return id
    }

    /// `{"links":{…},"subscribers":[…]}`.
    private static func subscribers(_ ids: [String], status: Int, store: FakeCRMStore) -> HTTPResponse {
        let items = ids.compactMap { id -> JSONValue? in
            guard let contact = store.contact(id), let taggings = store.taggings(of: id) else { return nil }
            let fields = contact.fields.keys.sorted().map { ($0, JSONValue.optional(contact.fields[$0])) }
            return .object([
                ("id", .string(id)), ("status", .string("active")), ("email", .optional(contact.email)),
                ("first_name", .optional(contact.firstName)), ("last_name", .optional(contact.lastName)),
                ("tags", .array(taggings.map { .string($0.tag.name) })), ("custom_fields", .object(fields)),
            ])
        }
        return .json(
            status,
            .object([
                (
                    "links",
                    .object([
                        ("subscribers.account", .string("https://api.getdrip.com/v2/accounts/{subscribers.account}"))
                    ])
                ),
                ("subscribers", .array(items)),
            ]))
    }

    /// The user of an `Authorization: Basic …` value; nil when it is not one.
    private static func basicUser(_ value: String?) -> String? {
        guard let value, value.hasPrefix("Basic "), let bytes = Base64.decode(String(value.dropFirst(6))) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self).split(
            separator: ":", maxSplits: 1, omittingEmptySubsequences: false
        )
        .first.map(String.init)
    }

    private static var missing: HTTPResponse {
        error(404, "The resource you requested was not found")
    }
}
