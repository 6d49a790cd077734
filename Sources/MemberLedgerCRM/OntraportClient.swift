import MemberLedgerCore

/// Ontraport's API v1 (`Api-Appid` and `Api-Key` headers). Contacts are object type 0 and tags object
/// type 14; a contact's tags are ids in its `contact_cat` (`*/*1*/*5*/*`), its custom fields the keys
/// `f` + digits. Tags are applied and removed by name (`tagByName`), which creates a missing tag itself.
public struct OntraportClient: CRMClient {
    /// Always `.ontraport`.
    public var kind: CRMKind { .ontraport }
    private let call: CRMCall
    private let appID: String
    private let pageSize: Int

    /// The largest `range` Ontraport serves in one page.
    private static let largestPage = 50

    /// A client for the app `connection.appID`; `pageSize` is how many tags one page asks for (at most
    /// 50; tests lower it to exercise paging).
    public init(connection: CRMConnection, key: String, transport: any CRMTransport, pageSize: Int = 50) {
        appID = connection.appID ?? ""
        call = CRMCall(
            baseURL: connection.baseURL, key: key,
            authHeaders: [(name: "Api-Appid", value: connection.appID ?? ""), (name: "Api-Key", value: key)],
            transport: transport, errorText: { _ in nil })
        self.pageSize = min(max(1, pageSize), Self.largestPage)
    }

    /// `GET /1/objects/meta?objectID=0`: proves the app id and key can read the contact object.
    public func verify() throws(CRMError) -> String {
        let meta = try call.json(
            .get, ["1", "objects", "meta"], query: [(name: "objectID", value: "0"), (name: "format", value: "byId")])
        let object = try meta.member("data").member("0").member("name").string()
        return call.redact("app \"\(appID)\", object \"\(object)\"")
    }

    /// The contact object; its tag ids resolved to names by reading the tag list until all are found.
    public func pull(_ contactID: String) throws(CRMError) -> ContactData {
        let contact = try call.json(
            .get, ["1", "object"], query: [(name: "objectID", value: "0"), (name: "id", value: contactID)]
        ).member("data")
        let tagIDs = (contact.optional("contact_cat")?.text ?? "").split(separator: "*/*").map(String.init)
        let names = try tagNames(Set(tagIDs))
        var fields: [String: String] = [:]
        for (key, value) in try contact.members() where Self.isFieldKey(key) {
            if let text = value.text, !text.isEmpty { fields[key] = text }
        }
        return ContactData(
            contactID: contactID, email: contact.optional("email")?.text,
            firstName: contact.optional("firstname")?.text, lastName: contact.optional("lastname")?.text,
            tags: tagIDs.compactMap { names[$0] }, fields: fields)
    }

    /// `PUT /1/objects/tagByName` with `add_names`; Ontraport creates the tag when it is missing.
    public func applyTag(_ tag: String, to contact: CRMContact) throws(CRMError) {
        _ = try call.send(.put, ["1", "objects", "tagByName"], body: tagChange("add_names", tag, contact))
    }

    /// `DELETE /1/objects/tagByName` with `remove_names` in a JSON body.
    public func removeTag(_ tag: String, from contact: CRMContact) throws(CRMError) {
        _ = try call.send(.delete, ["1", "objects", "tagByName"], body: tagChange("remove_names", tag, contact))
    }

    /// `PUT /1/objects` with the one field.
    public func setField(_ field: String, to value: String, of contact: CRMContact) throws(CRMError) {
        let change: JSONValue = .object([("objectID", .int(0)), ("id", .id(contact.id)), (field, .string(value))])
        _ = try call.send(.put, ["1", "objects"], body: change)
    }

    private func tagChange(_ list: String, _ tag: String, _ contact: CRMContact) -> JSONValue {
        .object([("objectID", .int(0)), ("ids", .array([.id(contact.id)])), (list, .array([.string(tag)]))])
    }

    /// The names of the tags `ids`, paging through the tag objects until every id is named or the list
    /// ends; an id no tag has is left out. The list ends at an empty page, not at the first page shorter
    /// than `range`: a server may serve fewer rows than asked (as our fakes do), so `start` moves by the
    /// rows received. A page with no tag not seen before also ends it, so a server that ignores `start`
    /// cannot keep us reading.
    private func tagNames(_ ids: Set<String>) throws(CRMError) -> [String: String] {
        var names: [String: String] = [:]
        var seen: Set<String> = []
        var start = 0
        while names.count < ids.count {
            let page = try call.json(
                .get, ["1", "objects"],
                query: [
                    (name: "objectID", value: "14"), (name: "range", value: "\(pageSize)"),
                    (name: "start", value: "\(start)"),
                ]
            ).member("data").elements()
            let seenBefore = seen.count
            for tag in page {
                let id = try tag.member("tag_id").id()
                seen.insert(id)
                if ids.contains(id) { names[id] = try tag.member("tag_name").string() }
            }
            if seen.count == seenBefore { break }
            start += page.count
        }
        return names
    }

    /// Whether `key` names a custom field: `f` followed by digits only.
    private static func isFieldKey(_ key: String) -> Bool {
        key.count > 1 && key.hasPrefix("f") && key.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}
