import MemberLedgerCore

/// What one event did to one contact: the rows of `history CONTACT` and `/api/members/{id}/history`.
public struct HistoryEntry: Sendable {
    /// The event.
    public let event: Event
    /// Its outcome.
    public let outcome: Outcome
    /// Its effects on this contact.
    public let effects: [Effect]
    /// Time transitions for this contact that fell due before it (revoke tags at a period end, …).
    public let transitions: [TimedEffect]
    /// Whether the event names the contact (beyond touching them through effects).
    public let named: Bool

    /// The entry for `contact` of a replay step, or nil when the step does not concern them.
    public init?(contact: String, event: Event, outcome: Outcome) {
        effects = outcome.effects.filter { $0.contactID == contact }
        transitions = outcome.transitions.filter { $0.effect.contactID == contact }
        named = event.payload.contactIDs.contains(contact)
        guard named || !effects.isEmpty || !transitions.isEmpty else { return nil }
        self.event = event
        self.outcome = outcome
    }

    /// The command for a webhook, else the event type, as the log names it.
    public var what: String { LogEntry.command(of: event) ?? event.payload.typeName }

    /// The event's line as `history` prints it for people (its effects go on the lines below).
    public var text: String {
        "\(event.recordedAt)  #\(event.seq)  \(what)  \(outcome.status.rawValue)\(outcome.reason.map { ": \($0)" } ?? "")"
    }

    /// The entry as `history --json` prints it.
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("seq", .int(event.seq)), ("at", .string(event.recordedAt.rfc3339)),
            ("type", .string(what)),
            ("outcome", .string(outcome.status.rawValue)),
        ]
        if let reason = outcome.reason { fields.append(("reason", .string(reason.description))) }
        fields.append(("effects", .array(effects.map(\.json))))
        fields.append(("transitions", .array(transitions.map(Self.json(transition:)))))
        return .object(fields)
    }

    /// A time transition as history lists it.
    public static func json(transition: TimedEffect) -> JSONValue {
        .object([("at", .string(transition.effectiveAt.rfc3339)), ("effect", transition.effect.json)])
    }
}
