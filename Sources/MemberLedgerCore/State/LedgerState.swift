/// Everything the journal's events project to at one point in history: members, teams, subscriptions,
/// coupons, the catalog in force and the recent fingerprints used to spot duplicates.
///
/// The state is a value: folding the same events from `LedgerState()` always gives an equal state with
/// the same `digest`. Lookup tables that can be derived from the rest (who is on which team, which coupon
/// a member holds, what time will change next) are kept beside it for speed, never encoded, and never
/// compared.
public struct LedgerState: Sendable {
    /// Members by contact id.
    public internal(set) var members = MemberTable()
    /// Teams by program and leader.
    public internal(set) var teams: [TeamKey: Team] = [:]
    /// Subscriptions by contact and product.
    public internal(set) var subscriptions: [SubscriptionKey: Subscription] = [:]
    /// Coupons by code.
    public internal(set) var coupons: [String: Coupon] = [:]
    /// The catalog in force.
    public internal(set) var catalog: Catalog = .empty
    /// Command fingerprints recorded within the dedup window.
    public internal(set) var recentFingerprints = FingerprintWindow()
    /// Idempotency keys (`key:` fingerprints) recorded within the longer idempotency window.
    public internal(set) var recentKeys = FingerprintWindow()
    /// The sequence number of the last event applied (0 before any).
    public internal(set) var lastSeq: Int64 = 0
    /// The recorded time of the last event applied.
    public internal(set) var lastRecordedAt = Timestamp(microseconds: 0)
    /// The instant the state has been advanced to (an event's recorded time, or a later "as of").
    public internal(set) var clock = Timestamp(microseconds: 0)
    /// The linked CRM and the outbox of what it must still be told or asked.
    public internal(set) var crm = CRMState()

    /// The team each contact is on, per program, as leader or member.
    var teamOfContact: [TeamSeat: TeamKey] = [:]
    /// The unused coupon each contact holds, per promo (at most one: a second is issued only after use
    /// or expiry).
    var unusedCouponOfHolder: [CouponHolder: String] = [:]
    /// When time alone will next change something.
    var schedule = TransitionSchedule()

    /// A ledger before its first event: no members, empty catalog.
    public init() {}

    /// The member with this contact id.
    public func member(_ contactID: String) -> Member? { members[contactID] }

    /// The team the contact is on in a program, as leader or member.
    public func team(of contactID: String, inProgram programID: String) -> Team? {
        teamOfContact[TeamSeat(programID: programID, contactID: contactID)].flatMap { teams[$0] }
    }

    /// The contact's subscription to a product.
    public func subscription(of contactID: String, to productID: String) -> Subscription? {
        subscriptions[SubscriptionKey(contactID: contactID, productID: productID)]
    }

    /// Members in canonical order (by contact id, UTF-8 bytes).
    public var sortedMembers: [Member] { members.sorted { utf8Ascending($0.contactID, $1.contactID) } }
    /// Teams in canonical order.
    public var sortedTeams: [Team] { teams.values.sorted { $0.key < $1.key } }
    /// Subscriptions in canonical order.
    public var sortedSubscriptions: [Subscription] { subscriptions.values.sorted { $0.key < $1.key } }
    /// Coupons in canonical order (by code).
    public var sortedCoupons: [Coupon] { coupons.values.sorted { utf8Ascending($0.code, $1.code) } }

    /// Rebuilds the derived lookup tables from the encoded parts, as after loading a snapshot.
    public mutating func rebuildDerivedTables() {
        teamOfContact = [:]
        for team in teams.values {
            teamOfContact[TeamSeat(programID: team.key.programID, contactID: team.key.leaderContactID)] = team.key
            for member in team.members {
                teamOfContact[TeamSeat(programID: team.key.programID, contactID: member)] = team.key
            }
        }
        unusedCouponOfHolder = [:]
        for coupon in coupons.values where coupon.status == .issued {
            let holder = CouponHolder(contactID: coupon.contactID, promoID: coupon.promoID)
            precondition(
                unusedCouponOfHolder[holder] == nil,
                "two unused coupons of promo \(coupon.promoID) for \(coupon.contactID)")
            unusedCouponOfHolder[holder] = coupon.code
        }
        schedule = TransitionSchedule()
        for subscription in subscriptions.values where subscription.status == .cancelled {
            schedule.add(.init(at: subscription.periodEnd, kind: .periodEnd(subscription.key)))
        }
        for coupon in coupons.values where coupon.status == .issued {
            schedule.add(.init(at: coupon.expiresAt, kind: .couponExpiry(code: coupon.code)))
        }
        crm.rebuildQueues()
    }
}

extension LedgerState: Equatable {
    /// States are equal when everything that is encoded is equal; derived tables do not take part.
    public static func == (lhs: LedgerState, rhs: LedgerState) -> Bool {
        lhs.members == rhs.members && lhs.teams == rhs.teams && lhs.subscriptions == rhs.subscriptions
            && lhs.coupons == rhs.coupons && lhs.catalog == rhs.catalog
            && lhs.recentFingerprints == rhs.recentFingerprints && lhs.recentKeys == rhs.recentKeys
            && lhs.lastSeq == rhs.lastSeq
            && lhs.lastRecordedAt == rhs.lastRecordedAt && lhs.clock == rhs.clock && lhs.crm == rhs.crm
    }
}

/// A contact's place in a program: the key of the "one team per program" rule.
struct TeamSeat: Hashable, Sendable {
    var programID: String
    var contactID: String
}

/// A contact's holding of a promo: the key of the "one unused coupon per promo" rule.
struct CouponHolder: Hashable, Sendable {
    var contactID: String
    var promoID: String
}
