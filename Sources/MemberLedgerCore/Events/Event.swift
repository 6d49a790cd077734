/// An immutable fact in the journal: its place (`seq`), when it was recorded, an optional fingerprint for
/// deduplication, and what happened.
///
/// Everything the reducer needs is inside the event (time, generated values), so applying it reads no
/// clock and no random source. Events are versioned; `currentVersion` is what this code writes.
public struct Event: Sendable, Hashable {
    /// The event's place in the journal: 1, 2, 3, ... with no gaps.
    public var seq: Int64
    /// When it was recorded (UTC, microseconds; never earlier than the event before it).
    public var recordedAt: Timestamp
    /// When the sender says it happened, if it said (kept for the log; rules use `recordedAt`).
    public var occurredAt: Timestamp?
    /// Identifies a delivery for deduplication: an idempotency key, or a hash of the normalized command.
    public var fingerprint: String?
    /// What happened.
    public var payload: EventPayload

    /// The encoding version this code writes (`"v"` in JSON).
    public static let currentVersion = 1

    /// Creates an event.
    public init(
        seq: Int64, recordedAt: Timestamp, occurredAt: Timestamp? = nil, fingerprint: String? = nil,
        payload: EventPayload
    ) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.occurredAt = occurredAt
        self.fingerprint = fingerprint
        self.payload = payload
    }
}

/// The closed set of facts the ledger records.
public enum EventPayload: Sendable, Hashable {
    /// A CRM webhook command arrived.
    case webhookReceived(WebhookReceived)
    /// A subscription order completed on the site.
    case orderCompleted(OrderCompleted)
    /// A subscription payment failed.
    case paymentFailed(PaymentReported)
    /// A subscription payment succeeded.
    case paymentSucceeded(PaymentReported)
    /// A leader added a member to their team.
    case teamMemberAdded(TeamMemberAdded)
    /// A member redeemed a coupon.
    case couponRedeemed(CouponRedeemed)
    /// The catalog was replaced.
    case catalogUpdated(Catalog)
    /// A member was imported in bulk.
    case memberImported(MemberImported)
    /// The ledger was linked to a CRM account (recorded by `serve` when `crm.json` names a new one).
    case crmConnected(CRMLink)
    /// The CRM link was removed (`crm disconnect`); undelivered items are dropped.
    case crmDisconnected(CRMKind)
    /// A connector worker read a contact from the CRM.
    case contactPulled(ContactPulled)
    /// An outbox item reached the CRM.
    case crmDelivered(DeliveryAttempt)
    /// An attempt to deliver an outbox item failed.
    case crmDeliveryFailed(DeliveryAttempt)
    /// An admin asked for outbox items to be tried again.
    case outboxRetryRequested(OutboxRetry)
    /// A spooled password was destroyed undelivered after 7 days; the item leaves the outbox.
    case passwordUndelivered(item: Int64)
    /// An admin issued a new password for a member.
    case passwordReset(PasswordReset)

    /// The event's type name in the journal and the log, e.g. `order.completed`.
    public var typeName: String {
        switch self {
        case .webhookReceived: "webhook.received"
        case .orderCompleted: "order.completed"
        case .paymentFailed: "payment.failed"
        case .paymentSucceeded: "payment.succeeded"
        case .teamMemberAdded: "team.member_added"
        case .couponRedeemed: "coupon.redeemed"
        case .catalogUpdated: "catalog.updated"
        case .memberImported: "member.imported"
        case .crmConnected: "crm.connected"
        case .crmDisconnected: "crm.disconnected"
        case .contactPulled: "crm.contactPulled"
        case .crmDelivered: "crm.delivered"
        case .crmDeliveryFailed: "crm.deliveryFailed"
        case .outboxRetryRequested: "crm.retryRequested"
        case .passwordUndelivered: "crm.passwordUndelivered"
        case .passwordReset: "password.reset"
        }
    }

    /// The contacts the event is about, in the order it names them (for history and the log).
    public var contactIDs: [String] {
        switch self {
        case .webhookReceived(let webhook): webhook.command.contacts.map(\.contactID)
        case .orderCompleted(let order): [order.contactID]
        case .paymentFailed(let payment), .paymentSucceeded(let payment): [payment.contactID]
        case .teamMemberAdded(let added): [added.contactID, added.leaderContactID]
        case .couponRedeemed(let redeemed): [redeemed.contactID]
        case .catalogUpdated: []
        case .memberImported(let imported): [imported.contact.contactID]
        case .contactPulled(let pulled): [pulled.contact.contactID]
        case .passwordReset(let reset): [reset.contactID]
        case .crmConnected, .crmDisconnected, .crmDelivered, .crmDeliveryFailed, .outboxRetryRequested,
            .passwordUndelivered:
            []
        }
    }
}
