import MemberLedgerCore

/// The JSON dialects: Kit legacy rules (`{"subscriber":{…}}` with `email_address` and `fields`), Kit v4
/// deliveries (`{"delivery_id":…,"events":[…]}`, each event id an idempotency key), Drip (wrapped in
/// `subscriber`, flat, or in an event webhook's `data.subscriber`, with `custom_fields` and `tags`;
/// parameters in `custom`), and a generic shape `{"contactId","email","firstName","lastName","tags",
/// "fields","parameters"}` (Keap's capitalised `ContactId`, `Email`, `FirstName`, `LastName` too);
/// `contactIds` makes a batch.
enum JSONBody {
    static func read(_ value: JSONValue, batch: Bool) throws(WebhookError) -> BodyReading {
        guard value.objectValue != nil else {
            throw .unrecognizedJSON("expected an object, found \(value.kindName)")
        }
        var parameters = strings(value["parameters"]) ?? [:]
        for (name, text) in strings(value["custom"]) ?? [:] where BodyReading.parameterNames.contains(name) {
            parameters[name] = text
        }
        for name in BodyReading.parameterNames { if let text = scalar(value[name]) { parameters[name] = text } }

        if let events = value["events"]?.arrayValue, value["delivery_id"] != nil {
            var contacts: [(ContactData, String?)] = []
            for (index, event) in events.enumerated() {
                guard let subscriber = event["data"]?["subscriber"] else {
                    throw .unrecognizedJSON("events[\(index)] has no data.subscriber")
                }
                contacts.append((try subscriberContact(subscriber), scalar(event["id"])))
            }
            guard !contacts.isEmpty else { throw .unrecognizedJSON("a Kit delivery with no events") }
            return BodyReading(dialect: .kit, contacts: contacts, parameters: parameters)
        }
        if let subscriber = value["subscriber"] ?? value["data"]?["subscriber"] {
            let dialect: CRMDialect = subscriber["email_address"] != nil ? .kit : .drip
            return BodyReading(
                dialect: dialect, contacts: [(try subscriberContact(subscriber), nil)], parameters: parameters)
        }
        if batch || value["contactIds"] != nil {
            let ids =
                value["contactIds"]?.arrayValue?.compactMap(scalar)
                ?? ContactBuilder.splitTags(scalar(value["contactIds"]) ?? "")
            return BodyReading(dialect: .generic, contacts: try ContactBuilder.batch(ids), parameters: parameters)
        }
        if let idName = KeapForm.keapIDNames.first(where: { value[$0] != nil }) {
            // The generic shape, or Keap's capitalised keys (`{"contactId":"201","Email":…,"FirstName":…}`).
            func first(_ names: Set<String>) -> String? {
                value.objectValue?.first { names.contains($0.key) && scalar($0.value) != nil }.flatMap {
                    scalar($0.value)
                }
            }
            var builder = ContactBuilder()
            builder.contactID = scalar(value[idName])
            builder.email = first(KeapForm.emailNames)
            builder.firstName = first(KeapForm.firstNames)
            builder.lastName = first(KeapForm.lastNames)
            builder.tags = (value["tags"] ?? value["Tags"])?.arrayValue?.compactMap(scalar)
            for (name, text) in strings(value["fields"]) ?? [:] { builder.addField(name, text) }
            let capitalised = value.objectValue?.contains { $0.key.first?.isUppercase == true } == true
            return BodyReading(
                dialect: capitalised ? .keap : .generic, contacts: [(try builder.build(), nil)], parameters: parameters)
        }
        if value["id"] != nil && (value["email"] != nil || value["custom_fields"] != nil) {
            return BodyReading(dialect: .drip, contacts: [(try subscriberContact(value), nil)], parameters: parameters)
        }
        throw .unrecognizedJSON(
            "no contact: expected contactId, subscriber (Kit, Drip), events (Kit v4) or a Drip subscriber")
    }

    /// A Kit or Drip subscriber object as a contact.
    private static func subscriberContact(_ subscriber: JSONValue) throws(WebhookError) -> ContactData {
        var builder = ContactBuilder()
        builder.contactID = scalar(subscriber["id"])
        builder.email = scalar(subscriber["email_address"]) ?? scalar(subscriber["email"])
        builder.firstName = scalar(subscriber["first_name"])
        builder.lastName = scalar(subscriber["last_name"])
        builder.tags = subscriber["tags"]?.arrayValue?.compactMap(scalar)
        for (name, text) in strings(subscriber["fields"] ?? subscriber["custom_fields"]) ?? [:] {
            builder.addField(name, text)
        }
        return try builder.build()
    }

    /// A string, number or boolean as text; nil for null, arrays and objects.
    private static func scalar(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): text
        case .number(let literal): literal
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    /// An object's scalar members as text (others skipped).
    private static func strings(_ value: JSONValue?) -> [String: String]? {
        guard let members = value?.objectValue else { return nil }
        var result: [String: String] = [:]
        for (name, member) in members { if let text = scalar(member) { result[name] = text } }
        return result
    }
}
