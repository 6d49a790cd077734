import MemberLedgerCore

/// Drip's API v2 (HTTP Basic with the key as user and no password; every path under the account id).
/// Subscribers carry their tags by name and custom fields by name, and are named by id or email in
/// paths; applying a tag names the subscriber by email and creates a missing tag itself.
public struct DripClient: CRMClient {
    /// Always `.drip`.
    public var kind: CRMKind { .drip }
    private let call: CRMCall
    private let account: String

    /// A client for the account `connection.account`.
    public init(connection: CRMConnection, key: String, transport: any CRMTransport) {
        account = connection.account ?? ""
        call = CRMCall(
            baseURL: connection.baseURL, key: key,
            authHeaders: [(name: "Authorization", value: "Basic " + CRMCall.basicCredentials(user: key))],
            transport: transport, errorText: Self.errorText)
    }

    /// `GET /v2/accounts`: the connection's account among those the key reaches. An account id the key
    /// does not reach is said in the description (every later call would be refused), not hidden.
    public func verify() throws(CRMError) -> String {
        let accounts = try call.json(.get, ["v2", "accounts"]).member("accounts").elements()
        var names: [(id: String, name: String?)] = []
        for entry in accounts { names.append((try entry.member("id").id(), entry.optional("name")?.text)) }
        if let match = names.first(where: { $0.id == account }) {
            return call.describe("account", name: match.name, email: nil) + " (\(account))"
        }
        let reachable = names.map { "\($0.name ?? "?") (\($0.id))" }.joined(separator: ", ")
        return call.redact("no account \"\(account)\" among this key's accounts: \(reachable)")
    }

    /// `GET /v2/{account}/subscribers/{id}`, whose one subscriber carries tags and custom fields.
    public func pull(_ contactID: String) throws(CRMError) -> ContactData {
        let subscriber = try self.subscriber(contactID)
        var fields: [String: String] = [:]
        for (key, value) in try subscriber.optional("custom_fields")?.members() ?? [] {
            if let text = value.text { fields[key] = text }
        }
        var tags: [String] = []
        for tag in try subscriber.optional("tags")?.elements() ?? [] { tags.append(try tag.string()) }
        return ContactData(
            contactID: contactID, email: subscriber.optional("email")?.text,
            firstName: subscriber.optional("first_name")?.text, lastName: subscriber.optional("last_name")?.text,
            tags: tags, fields: fields)
    }

    /// `POST /v2/{account}/tags` naming the subscriber by email, read from Drip first when the ledger has
    /// none for the contact.
    public func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError) {
        // `??` would lose the error's type (its autoclosure rethrows `any Error`), hence the `if`.
        var email = contact.email ?? ""
        if contact.email == nil { email = try subscriber(contact.id).member("email").string() }
        let tags: JSONValue = .object([
            ("tags", .array([.object([("email", .string(email)), ("tag", .string(tag))])]))
        ])
        _ = try call.send(.post, ["v2", account, "tags"], body: tags)
    }

    /// `DELETE /v2/{account}/subscribers/{id}/tags/{tag}`.
    public func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError) {
        _ = try call.send(.delete, ["v2", account, "subscribers", contact.id, "tags", tag])
    }

    /// `POST /v2/{account}/subscribers`, an upsert naming the subscriber by id.
    public func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError) {
        let subscriber: JSONValue = .object([
            ("id", .string(contact.id)), ("custom_fields", .object([(field, .string(value))])),
        ])
        let change: JSONValue = .object([("subscribers", .array([subscriber]))])
        _ = try call.send(.post, ["v2", account, "subscribers"], body: change)
    }

    private func subscriber(_ idOrEmail: String) throws(CRMError) -> ResponseValue {
        let list = try call.json(.get, ["v2", account, "subscribers", idOrEmail]).member("subscribers").elements()
        guard let first = list.first else { throw .malformedResponse("\"subscribers\" is empty") }
        return first
    }

    /// `{"errors": [{"code": "...", "message": "..."}]}`, the messages joined by `; `.
    static func errorText(_ body: ResponseValue) -> String? {
        guard let errors = try? body.member("errors").elements() else { return nil }
        return errors.compactMap { $0.optional("message")?.text }.joined(separator: "; ")
    }
}
