import MemberLedgerCore

extension OutboxItem {
    /// The item as `outbox --json` prints it and `/api/crm` lists it (a password item names its field, never the hash).
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("id", .int(id)), ("seq", .int(seq)), ("contactId", .string(contactID)), ("action", .string(action.name)),
        ]
        switch action {
        case .applyTag(let tag), .removeTag(let tag): fields.append(("tag", .string(tag)))
        case .setField(let field, let value): fields += [("field", .string(field)), ("value", .string(value))]
        case .password(let field, _): fields.append(("field", .string(field)))
        case .pull: break
        }
        fields += [
            ("status", .string(dead ? "dead" : "pending")), ("attempts", .int(attempts)),
            ("since", .string(since.rfc3339)), ("dueAt", .string(dueAt.rfc3339)),
            ("lastStatus", lastStatus.map { .int($0) } ?? .null),
            ("lastError", lastError.map { .string($0) } ?? .null),
        ]
        return .object(fields)
    }
}
