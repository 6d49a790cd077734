/// One thing the CRM must be told or asked, waiting in the outbox until an attempt succeeds.
///
/// Items are numbered in the order they were queued (1, 2, 3, ...) and, per contact, are delivered in
/// that order, so a pull never reads the CRM before the site's own earlier decisions reached it.
public struct OutboxItem: Sendable, Hashable {
    /// What to do.
    public enum Action: Sendable, Hashable {
        /// Apply a tag (a rule decided it).
        case applyTag(String)
        /// Remove a tag (a rule decided it).
        case removeTag(String)
        /// Set a field to the ledger's value (absolute, so a repeated delivery cannot count twice).
        case setField(field: String, value: String)
        /// Write a new password into `field`; the plaintext waits in the spool under the key derived from
        /// `hash`, never in the journal.
        case password(field: String, hash: String)
        /// Read the contact (email, names, every tag, fields) and record it as `crm.contactPulled`.
        case pull

        /// A short English phrase for the log: `apply tag "Gold"`.
        public var summary: String {
            switch self {
            case .applyTag(let tag): "apply tag \"\(tag)\""
            case .removeTag(let tag): "remove tag \"\(tag)\""
            case .setField(let field, let value): "set \(field)=\"\(value)\""
            case .password(let field, _): "write password to \(field)"
            case .pull: "pull contact"
            }
        }

        /// The action's name in JSON: `applyTag`, `removeTag`, `setField`, `password`, `pull`.
        public var name: String {
            switch self {
            case .applyTag: "applyTag"
            case .removeTag: "removeTag"
            case .setField: "setField"
            case .password: "password"
            case .pull: "pull"
            }
        }
    }

    /// The item's number, unique for the life of the journal.
    public var id: Int64
    /// The event that queued it.
    public var seq: Int64
    /// The contact it concerns.
    public var contactID: String
    /// What to do.
    public var action: Action
    /// When it was queued (the queuing event's time), or when an admin last asked to retry it: the start
    /// of its retry window.
    public var since: Timestamp
    /// Attempts made so far.
    public var attempts: Int
    /// When the next attempt is due.
    public var dueAt: Timestamp
    /// The last failure's HTTP status, if the CRM answered.
    public var lastStatus: Int?
    /// The last failure, in the CRM's own words.
    public var lastError: String?
    /// Given up on (a 4xx the CRM will always refuse, or 24 h of failures): waits for `outbox retry`.
    public var dead: Bool

    /// Creates a new item, due at once.
    public init(id: Int64, seq: Int64, contactID: String, action: Action, at time: Timestamp) {
        self.id = id
        self.seq = seq
        self.contactID = contactID
        self.action = action
        self.since = time
        self.attempts = 0
        self.dueAt = time
        self.dead = false
    }
}
