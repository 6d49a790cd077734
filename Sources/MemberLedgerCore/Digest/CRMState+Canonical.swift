/// The CRM part of the canonical encoding: written after the fingerprint windows only when a CRM was
/// ever linked, so every state from a journal without CRM events keeps the bytes (and digest) it had
/// before this part existed. `Docs/state-encoding.md` gives the layout.
extension CRMState {
    func encode(into encoder: inout CanonicalEncoder) {
        encoder.append(link != nil)
        if let link {
            encoder.append(link.kind.rawValue)
            encoder.append(link.baseURL)
            encoder.append(link.account)
            encoder.append(link.passwordField)
        }
        encoder.append(nextItemID)
        encoder.append(list: sortedItems) { encoder, item in
            encoder.append(item.id)
            encoder.append(item.seq)
            encoder.append(item.contactID)
            encoder.append(item.action.name)
            switch item.action {
            case .applyTag(let tag), .removeTag(let tag):
                encoder.append(tag)
            case .setField(let field, let value), .password(let field, let value):
                encoder.append(field)
                encoder.append(value)
            case .pull:
                break
            }
            encoder.append(item.since)
            encoder.append(item.attempts)
            encoder.append(item.dueAt)
            encoder.append(item.lastStatus.map(String.init))
            encoder.append(item.lastError)
            encoder.append(item.dead)
        }
    }

    init(decoder: inout CanonicalDecoder) throws(CanonicalDecoder.Failure) {
        self.init()
        if try decoder.bool() {
            link = CRMLink(
                kind: try decoder.enumeration(CRMKind.self), baseURL: try decoder.string(),
                account: try decoder.optionalString(), passwordField: try decoder.optionalString())
        }
        nextItemID = try decoder.int64()
        for item in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in try Self.item(&d) }) {
            guard items[item.id] == nil, item.id < nextItemID else {
                throw CanonicalDecoder.Failure(offset: decoder.offset, expected: "outbox items with distinct ids")
            }
            insert(item)
        }
    }

    private static func item(_ d: inout CanonicalDecoder) throws(CanonicalDecoder.Failure) -> OutboxItem {
        let id = try d.int64()
        let seq = try d.int64()
        let contactID = try d.string()
        let start = d.offset
        let action: OutboxItem.Action
        switch try d.string() {
        case "applyTag": action = .applyTag(try d.string())
        case "removeTag": action = .removeTag(try d.string())
        case "setField": action = .setField(field: try d.string(), value: try d.string())
        case "password": action = .password(field: try d.string(), hash: try d.string())
        case "pull": action = .pull
        default: throw CanonicalDecoder.Failure(offset: start, expected: "an outbox action")
        }
        var item = OutboxItem(id: id, seq: seq, contactID: contactID, action: action, at: try d.timestamp())
        item.attempts = try d.int()
        item.dueAt = try d.timestamp()
        let statusStart = d.offset
        if let status = try d.optionalString() {
            guard let number = Int(status) else {
                throw CanonicalDecoder.Failure(offset: statusStart, expected: "an HTTP status")
            }
            item.lastStatus = number
        }
        item.lastError = try d.optionalString()
        item.dead = try d.bool()
        return item
    }
}
