import MemberLedgerCore

/// Which log entries to show: by command or event type, contact, outcome and time (`log --command …`,
/// `/api/log?command=…&type=…`). Empty, it matches every entry.
public struct LogFilter: Sendable, Equatable {
    /// A webhook command (`aal_genpass`) or an event type (`order.completed`).
    public var command: String?
    /// An event type only (`webhook.received`).
    public var type: String?
    /// A contact id the entry concerns.
    public var contact: String?
    /// An outcome.
    public var outcome: Outcome.Status?
    /// Recorded at or after.
    public var since: Timestamp?
    /// Recorded before.
    public var until: Timestamp?

    /// A filter; every criterion optional.
    public init(
        command: String? = nil, type: String? = nil, contact: String? = nil, outcome: Outcome.Status? = nil,
        since: Timestamp? = nil,
        until: Timestamp? = nil
    ) {
        self.command = command
        self.type = type
        self.contact = contact
        self.outcome = outcome
        self.since = since
        self.until = until
    }

    /// Whether `entry` passes every criterion given.
    public func matches(_ entry: LogEntry) -> Bool {
        if let command, entry.command != command && entry.type != command { return false }
        if let type, entry.type != type { return false }
        if let contact, !entry.contacts.contains(contact) { return false }
        if let outcome, entry.outcome != outcome { return false }
        if let since, entry.at < since { return false }
        if let until, entry.at >= until { return false }
        return true
    }
}
