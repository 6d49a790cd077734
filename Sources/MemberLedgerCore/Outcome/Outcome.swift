/// What applying one event did: its status, the reason when it was not simply applied, the effects, and
/// the time transitions that fell due before it.
public struct Outcome: Sendable, Equatable {
    /// The four answers an event can get.
    public enum Status: String, Sendable, Hashable {
        /// It changed the state.
        case applied
        /// It was valid and changed nothing (already so).
        case unchanged
        /// A rule refused it; the state is exactly as before.
        case rejected
        /// Its fingerprint was seen within the dedup window; the state is exactly as before.
        case duplicate
    }

    /// The answer.
    public var status: Status
    /// Why it was rejected or changed nothing (nil when applied or duplicate).
    public var reason: Reason?
    /// What the event changed, in the order it changed them.
    public var effects: [Effect]
    /// Changes time made between the previous event and this one, at their effective instants.
    public var transitions: [TimedEffect]
    /// For a duplicate: the seq of the event it repeats.
    public var duplicateOf: Int64?
    /// For a coupon command: the code issued, or the one the member already holds.
    public var coupon: String?
    /// For a batch: each contact's own outcome, in request order.
    public var contactResults: [ContactResult]
    /// Advice that does not change the status (e.g. a deprecated command).
    public var warnings: [String]
    /// Outbox items the event queued for the linked CRM (writes, pulls), in queue order.
    public var queued: [OutboxItem] = []

    /// Creates an outcome.
    public init(
        status: Status, reason: Reason? = nil, effects: [Effect] = [], transitions: [TimedEffect] = [],
        duplicateOf: Int64? = nil, coupon: String? = nil, contactResults: [ContactResult] = [],
        warnings: [String] = []
    ) {
        self.status = status
        self.reason = reason
        self.effects = effects
        self.transitions = transitions
        self.duplicateOf = duplicateOf
        self.coupon = coupon
        self.contactResults = contactResults
        self.warnings = warnings
    }

    /// One contact's result inside a batch.
    public struct ContactResult: Sendable, Equatable {
        /// The contact.
        public var contactID: String
        /// Its answer.
        public var status: Status
        /// Why, when not applied.
        public var reason: Reason?
    }
}
