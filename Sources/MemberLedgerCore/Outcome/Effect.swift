/// One change an event (or the passage of time) made to the state. Effects feed the webhook log, each
/// contact's history and the CRM write-back outbox.
public enum Effect: Sendable, Hashable, CustomStringConvertible {
    /// A member was created.
    case memberCreated(contactID: String)
    /// Email or a name changed to the value the CRM sent.
    case profileChanged(contactID: String, field: ProfileField, value: String)
    /// A tag was added to a member.
    case tagApplied(contactID: String, tag: String, origin: EffectOrigin)
    /// A tag was taken off a member.
    case tagRemoved(contactID: String, tag: String, origin: EffectOrigin)
    /// A custom field got a new value.
    case fieldSet(contactID: String, field: String, value: String, origin: EffectOrigin)
    /// A password hash was stored (the plaintext went only to the caller who triggered it).
    case passwordSet(contactID: String)
    /// A team was initiated.
    case teamCreated(team: TeamKey, seats: Int)
    /// A contact took a seat on a team.
    case teamMemberJoined(team: TeamKey, contactID: String)
    /// A contact left a team, freeing a seat.
    case teamMemberLeft(team: TeamKey, contactID: String)
    /// A team's seats changed.
    case seatsChanged(team: TeamKey, from: Int, to: Int)
    /// A team was deleted (its members were not).
    case teamDeleted(team: TeamKey)
    /// A subscription moved to a new status (`from` is nil for a new subscription).
    case subscriptionStatusChanged(subscription: SubscriptionKey, from: SubscriptionStatus?, to: SubscriptionStatus)
    /// A subscription was paid for another period.
    case subscriptionRenewed(subscription: SubscriptionKey, periodEnd: Timestamp)
    /// The outstanding balance changed (minor units).
    case balanceChanged(subscription: SubscriptionKey, from: Int64, to: Int64)
    /// The gateway should now try to collect this amount.
    case chargeRequested(subscription: SubscriptionKey, amount: Int64, currency: String)
    /// A coupon was issued.
    case couponIssued(code: String, contactID: String, promoID: String, expiresAt: Timestamp)
    /// A coupon was used.
    case couponRedeemed(code: String, contactID: String)
    /// A coupon passed its expiry unused.
    case couponExpired(code: String, contactID: String)
    /// The catalog was replaced.
    case catalogChanged
    /// The ledger was linked to a CRM account: rule-made changes are queued for it from here on.
    case crmLinked(kind: CRMKind)
    /// The ledger's CRM link was removed; `dropped` undelivered outbox items went with it.
    case crmUnlinked(kind: CRMKind, dropped: Int)
    /// An outbox item reached the CRM.
    case crmDelivered(contactID: String, item: Int64, action: String)
    /// An attempt to deliver an outbox item failed; `retryAt` nil means given up (a dead letter).
    case crmDeliveryFailed(contactID: String, item: Int64, status: Int?, error: String, retryAt: Timestamp?)
    /// An admin asked for an outbox item to be tried again now.
    case crmRetryScheduled(contactID: String, item: Int64)
    /// A spooled password was destroyed undelivered (7 days old); only a password reset gives one now.
    case passwordUndelivered(contactID: String, item: Int64)

    /// The contact the effect concerns, if one.
    public var contactID: String? {
        switch self {
        case .memberCreated(let id), .profileChanged(let id, _, _), .tagApplied(let id, _, _),
            .tagRemoved(let id, _, _), .fieldSet(let id, _, _, _), .passwordSet(let id),
            .teamMemberJoined(_, let id), .teamMemberLeft(_, let id), .couponIssued(_, let id, _, _),
            .couponRedeemed(_, let id), .couponExpired(_, let id), .crmDelivered(let id, _, _),
            .crmDeliveryFailed(let id, _, _, _, _), .crmRetryScheduled(let id, _), .passwordUndelivered(let id, _):
            id
        case .teamCreated(let team, _), .seatsChanged(let team, _, _), .teamDeleted(let team):
            team.leaderContactID
        case .subscriptionStatusChanged(let key, _, _), .subscriptionRenewed(let key, _),
            .balanceChanged(let key, _, _),
            .chargeRequested(let key, _, _):
            key.contactID
        case .catalogChanged, .crmLinked, .crmUnlinked:
            nil
        }
    }

    /// A short English line for logs and test failures, e.g. `tag applied 42 "Gold"`.
    public var description: String {
        switch self {
        case .memberCreated(let id): "member created \(id)"
        case .profileChanged(let id, let field, let value): "\(field.rawValue) set \(id) \"\(value)\""
        case .tagApplied(let id, let tag, let origin): "tag applied \(id) \"\(tag)\"\(origin.suffix)"
        case .tagRemoved(let id, let tag, let origin): "tag removed \(id) \"\(tag)\"\(origin.suffix)"
        case .fieldSet(let id, let field, let value, let origin):
            "field set \(id) \(field)=\"\(value)\"\(origin.suffix)"
        case .passwordSet(let id): "password set \(id)"
        case .teamCreated(let team, let seats): "team created \(team) seats \(seats)"
        case .teamMemberJoined(let team, let id): "team joined \(team) by \(id)"
        case .teamMemberLeft(let team, let id): "team left \(team) by \(id)"
        case .seatsChanged(let team, let from, let to): "seats changed \(team) \(from)→\(to)"
        case .teamDeleted(let team): "team deleted \(team)"
        case .subscriptionStatusChanged(let key, let from, let to):
            "subscription \(key) \(from?.rawValue ?? "new")→\(to.rawValue)"
        case .subscriptionRenewed(let key, let end): "subscription renewed \(key) until \(end)"
        case .balanceChanged(let key, let from, let to): "balance \(key) \(from)→\(to)"
        case .chargeRequested(let key, let amount, let currency): "charge requested \(key) \(amount) \(currency)"
        case .couponIssued(let code, let id, let promo, let expires):
            "coupon issued \(code) to \(id) promo \(promo) expires \(expires)"
        case .couponRedeemed(let code, let id): "coupon redeemed \(code) by \(id)"
        case .couponExpired(let code, let id): "coupon expired \(code) of \(id)"
        case .catalogChanged: "catalog changed"
        case .crmLinked(let kind): "linked to \(kind.displayName)"
        case .crmUnlinked(let kind, let dropped):
            "unlinked from \(kind.displayName), \(dropped) undelivered items dropped"
        case .crmDelivered(let id, let item, let action): "delivered to CRM \(id) item \(item): \(action)"
        case .crmDeliveryFailed(let id, let item, let status, let error, let retryAt):
            "CRM delivery failed \(id) item \(item)\(status.map { " (HTTP \($0))" } ?? ""): \(error); "
                + (retryAt.map { "retry at \($0)" } ?? "dead letter")
        case .crmRetryScheduled(let id, let item): "CRM retry requested \(id) item \(item)"
        case .passwordUndelivered(let id, let item): "password undelivered \(id) item \(item): destroyed after 7 days"
        }
    }
}

/// Who decided a tag or field change, which decides whether it must be written back to the CRM.
public enum EffectOrigin: String, Sendable, Hashable {
    /// The CRM sent this value; it already has it, so it is not written back.
    case crm
    /// A rule of the site decided it (team, subscription, coupon, custom operation); the CRM must learn it.
    case rule

    var suffix: String { self == .crm ? " (from CRM)" : "" }
}

/// A member's profile values that a CRM can send.
public enum ProfileField: String, Sendable, Hashable {
    /// Email address.
    case email
    /// First name.
    case firstName
    /// Last name.
    case lastName
}

/// An effect that time caused, at the instant it took effect (a period end, an expiry), which may be
/// earlier than the event or query that advanced the clock past it.
public struct TimedEffect: Sendable, Hashable, CustomStringConvertible {
    /// When it took effect.
    public var effectiveAt: Timestamp
    /// What changed.
    public var effect: Effect

    /// Creates a timed effect.
    public init(effectiveAt: Timestamp, effect: Effect) {
        self.effectiveAt = effectiveAt
        self.effect = effect
    }

    public var description: String { "\(effectiveAt) \(effect)" }
}
