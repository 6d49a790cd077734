import MemberLedgerCore

/// One line of the Webhooks Log (AccessAlly's Detailed Log): what an event was and what came of it.
///
/// Small and flat on purpose: the server keeps one per event in memory to page and filter the log, so
/// it holds only what the log shows, never the event's payload or its effects.
public struct LogEntry: Sendable, Equatable {
    /// The event's seq.
    public let seq: Int64
    /// When it was recorded.
    public let at: Timestamp
    /// The event type (`webhook.received`, `order.completed`, …).
    public let type: String
    /// The webhook command (`aal_genpass`), for a webhook.
    public let command: String?
    /// The contacts the event names; for one that names none (a CRM delivery report), those its effects
    /// concern, so filtering by contact 42 shows what reached 42's CRM record.
    public let contacts: [String]
    /// The CRM dialect the webhook was read in, for a webhook.
    public let dialect: String?
    /// What came of it.
    public let outcome: Outcome.Status
    /// Why, for a rejection or no change.
    public let reason: String?
    /// The earlier seq, for a duplicate.
    public let duplicateOf: Int64?

    /// The entry of `event`, whose outcome was `outcome`.
    public init(event: Event, outcome: Outcome) {
        seq = event.seq
        at = event.recordedAt
        type = event.payload.typeName
        command = Self.command(of: event)
        if case .webhookReceived(let webhook) = event.payload {
            dialect = webhook.request?.dialect
        } else {
            dialect = nil
        }
        let named = event.payload.contactIDs
        if named.isEmpty {
            var seen = Set<String>()
            contacts = outcome.effects.compactMap(\.contactID).filter { seen.insert($0).inserted }
        } else {
            contacts = named
        }
        self.outcome = outcome.status
        reason = outcome.reason?.description
        duplicateOf = outcome.duplicateOf
    }

    /// The entry of a record `repair --salvage` marked lost: type `journal.lost`, nothing known of it.
    public init(lost seq: Int64, at: Timestamp) {
        self.seq = seq
        self.at = at
        type = "journal.lost"
        command = nil
        contacts = []
        dialect = nil
        outcome = .unchanged
        reason = "lost: damaged beyond repair and salvaged away (see verify)"
        duplicateOf = nil
    }

    /// The command for a webhook, else the event type: the log's "what" column.
    public var what: String { command ?? type }

    /// The webhook command (`aal_genpass`) of a webhook event; nil for any other event.
    public static func command(of event: Event) -> String? {
        if case .webhookReceived(let webhook) = event.payload { return webhook.command.operation.rawValue }
        return nil
    }

    /// The entry as `log --json` prints it and `/api/log` lists it.
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("seq", .int(seq)), ("at", .string(at.rfc3339)), ("type", .string(type)),
        ]
        if let command { fields.append(("command", .string(command))) }
        fields.append(("contacts", .strings(contacts)))
        if let dialect { fields.append(("dialect", .string(dialect))) }
        fields.append(("outcome", .string(outcome.rawValue)))
        if let reason { fields.append(("reason", .string(reason))) }
        if let duplicateOf { fields.append(("duplicateOf", .int(duplicateOf))) }
        return .object(fields)
    }

    /// The entry as one line for people.
    public var text: String {
        let names = contacts.joined(separator: ",")
        var line = "\(at)  #\(seq)  \(what)  \(names.isEmpty ? "-" : names)  \(dialect ?? "-")  \(outcome.rawValue)"
        if let duplicateOf { line += " of #\(duplicateOf)" }
        if let reason { line += ": \(reason)" }
        return line
    }

    /// Entries as server-sent events, the live feed's wire format: per entry `id: SEQ`, `event: ledger`,
    /// `data:` its JSON (one line), a blank line.
    public static func serverSentEvents(_ entries: some Sequence<LogEntry>) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += Array("id: \(entry.seq)\nevent: ledger\ndata: ".utf8)
            bytes += JSONWriter.bytes(entry.json)
            bytes += [UInt8(ascii: "\n"), UInt8(ascii: "\n")]
        }
        return bytes
    }

    /// The live feed's keep-alive: a comment line.
    public static let keepAlive = Array(": keep-alive\n\n".utf8)
}
