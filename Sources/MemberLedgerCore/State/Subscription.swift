/// Identifies a subscription: one per contact and product.
public struct SubscriptionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The subscriber's contact id.
    public var contactID: String
    /// The product's id.
    public var productID: String

    /// Creates a key.
    public init(contactID: String, productID: String) {
        self.contactID = contactID
        self.productID = productID
    }

    /// Canonical order: by contact, then product, each by UTF-8 bytes.
    public static func < (lhs: SubscriptionKey, rhs: SubscriptionKey) -> Bool {
        lhs.contactID == rhs.contactID
            ? utf8Ascending(lhs.productID, rhs.productID) : utf8Ascending(lhs.contactID, rhs.contactID)
    }

    /// `CONTACT/PRODUCT`, e.g. `42/11`.
    public var description: String { "\(contactID)/\(productID)" }
}

/// Where a subscription stands.
public enum SubscriptionStatus: String, Sendable, Hashable, CaseIterable {
    /// Paid and renewing.
    case active
    /// No further payments; access continues until the period end, then revoke tags apply.
    case cancelled
    /// No further payments; access unaffected (AccessAlly's admin "stop").
    case paused
    /// Stopped at once; revoke tags applied; no further charges.
    case revoked
    /// Was cancelled and its paid period is over; revoke tags were applied at the period end.
    case ended

    /// Whether a new order for the same product must be refused while the subscription is in this state.
    var blocksNewOrder: Bool {
        switch self {
        case .active, .paused, .cancelled: true
        case .revoked, .ended: false
        }
    }
}

/// The payment gateway that took the order; PayPal cannot pause or charge an outstanding balance.
public enum Gateway: String, Sendable, Hashable, CaseIterable {
    /// Stripe.
    case stripe
    /// PayPal.
    case paypal
}

/// A contact's subscription to a product, with its billing state.
///
/// Invariant: the outstanding balance is never negative.
public struct Subscription: Sendable, Hashable {
    /// Contact and product.
    public var key: SubscriptionKey
    /// Who collects the payments.
    public var gateway: Gateway
    /// Where it stands.
    public var status: SubscriptionStatus
    /// The price of one period in minor units (cents).
    public var amount: Int64
    /// ISO 4217 currency code of `amount` and `balance`.
    public var currency: String
    /// Failed payments not yet recovered, in minor units.
    public var balance: Int64
    /// When the order completed; period ends count from here.
    public var startedAt: Timestamp
    /// The period length agreed when ordered (a later catalog change does not alter a running term).
    public var period: BillingPeriod
    /// Periods paid so far (1 at order).
    public var periodsPaid: Int
    /// When it was cancelled, paused or revoked, if it was.
    public var stoppedAt: Timestamp?

    /// Creates a subscription.
    public init(
        key: SubscriptionKey, gateway: Gateway, status: SubscriptionStatus, amount: Int64, currency: String,
        balance: Int64 = 0, startedAt: Timestamp, period: BillingPeriod, periodsPaid: Int = 1,
        stoppedAt: Timestamp? = nil
    ) {
        self.key = key
        self.gateway = gateway
        self.status = status
        self.amount = amount
        self.currency = currency
        self.balance = balance
        self.startedAt = startedAt
        self.period = period
        self.periodsPaid = periodsPaid
        self.stoppedAt = stoppedAt
    }

    /// The end of the last paid period.
    public var periodEnd: Timestamp { period.end(from: startedAt, periods: periodsPaid) }

    func checkInvariants() {
        precondition(balance >= 0, "subscription \(key) has a negative balance \(balance)")
        precondition(periodsPaid >= 1, "subscription \(key) has \(periodsPaid) periods paid")
    }
}
