/// What a connector worker read from the CRM about one contact (`crm.contactPulled`): the reducer applies
/// it as a full update, so replay never calls a CRM.
public struct ContactPulled: Sendable, Hashable {
    /// The outbox item (a pull) this read completes, if it came from the outbox.
    public var item: Int64?
    /// The CRM it was read from.
    public var crm: CRMKind
    /// The contact as the CRM holds it: `tags` is the complete list (never nil), fields by the CRM's key.
    public var contact: ContactData

    /// Creates the fact.
    public init(item: Int64?, crm: CRMKind, contact: ContactData) {
        self.item = item
        self.crm = crm
        self.contact = contact
    }
}

/// The result of one attempt to deliver an outbox item (`crm.delivered`, `crm.deliveryFailed`).
public struct DeliveryAttempt: Sendable, Hashable {
    /// The item attempted.
    public var item: Int64
    /// Which attempt this was (1 for the first).
    public var attempt: Int
    /// The CRM's HTTP status, when it answered.
    public var status: Int?
    /// For a failure: the CRM's own error text, or why there was no answer.
    public var error: String?
    /// For a failure: when to try again; nil: given up (dead letter).
    public var retryAt: Timestamp?

    /// Creates the fact.
    public init(item: Int64, attempt: Int, status: Int?, error: String? = nil, retryAt: Timestamp? = nil) {
        self.item = item
        self.attempt = attempt
        self.status = status
        self.error = error
        self.retryAt = retryAt
    }
}

/// An admin asked to try outbox items again now (`crm.retryRequested`): dead letters go back to the
/// queue with a fresh retry window, pending ones become due at once.
public struct OutboxRetry: Sendable, Hashable {
    /// The items named; empty with `all`.
    public var items: [Int64]
    /// Every dead letter and every pending item.
    public var all: Bool

    /// Creates the fact.
    public init(items: [Int64] = [], all: Bool = false) {
        self.items = items
        self.all = all
    }
}

/// An admin issued a new password for a member (`password.reset`): the hash is journaled, the plaintext
/// only spooled for delivery to the CRM.
public struct PasswordReset: Sendable, Hashable {
    /// The member.
    public var contactID: String
    /// Django-format PBKDF2 hash of the new password.
    public var passwordHash: String

    /// Creates the fact.
    public init(contactID: String, passwordHash: String) {
        self.contactID = contactID
        self.passwordHash = passwordHash
    }
}
