/// The working set of one event's application: the state being changed, the effects so far, and an undo
/// log so that a rejection puts back exactly what was touched.
///
/// Rules change the state only through the setters here. That keeps every change logged for undo and
/// every invariant checked where it can break, and it lets a rejection anywhere (say, the third action of
/// a custom operation) restore the state without copying the whole ledger for every event.
struct Transaction {
    /// The state, moved in (not copied) so that changes happen in place.
    var state: LedgerState
    /// The instant rules see as "now": the event's recorded time, or a transition's effective time.
    var now: Timestamp
    /// Values generated when the event was recorded.
    var generated: GeneratedValues
    /// What changed, in order.
    private(set) var effects: [Effect] = []
    /// Why nothing changed, when a rule found the request already satisfied.
    var note: Reason?
    /// The coupon code to report for a coupon command.
    var coupon: String?
    /// How many coupon codes this event has derived (each from the next index of its entropy).
    private var codesDerived = 0
    private var undo: [Undo] = []

    private enum Undo {
        case member(String, Member?)
        case team(TeamKey, Team?)
        case teamSeat(TeamSeat, TeamKey?)
        case subscription(SubscriptionKey, Subscription?)
        case coupon(String, Coupon?)
        case couponHolder(CouponHolder, String?)
    }

    /// A point to roll back to.
    struct Mark {
        let undo: Int
        let effects: Int
        let note: Reason?
        let coupon: String?
    }

    init(state: LedgerState, now: Timestamp, generated: GeneratedValues) {
        self.state = state
        self.now = now
        self.generated = generated
    }

    var mark: Mark { Mark(undo: undo.count, effects: effects.count, note: note, coupon: coupon) }

    /// Puts the state, effects and notes back as they were at the mark.
    mutating func rollback(to mark: Mark) {
        while undo.count > mark.undo {
            switch undo.removeLast() {
            case .member(let id, let old): state.members[id] = old
            case .team(let key, let old): state.teams[key] = old
            case .teamSeat(let seat, let old): state.teamOfContact[seat] = old
            case .subscription(let key, let old): state.subscriptions[key] = old
            case .coupon(let code, let old): state.coupons[code] = old
            case .couponHolder(let holder, let old): state.unusedCouponOfHolder[holder] = old
            }
        }
        effects.removeLast(effects.count - mark.effects)
        note = mark.note
        coupon = mark.coupon
    }

    mutating func record(_ effect: Effect) {
        effects.append(effect)
    }

    // MARK: - Logged setters

    mutating func modifyMember(_ contactID: String, _ change: (inout Member) -> Void) {
        guard let member = state.members[contactID] else {
            preconditionFailure("rule changed member \(contactID) without checking it exists")
        }
        undo.append(.member(contactID, member))
        state.members.modify(contactID, change)
    }

    mutating func insertMember(_ member: Member) {
        precondition(!state.members.contains(member.contactID), "member \(member.contactID) created twice")
        undo.append(.member(member.contactID, nil))
        state.members[member.contactID] = member
    }

    mutating func setTeam(_ team: Team?, for key: TeamKey) {
        team?.checkInvariants()
        undo.append(.team(key, state.teams[key]))
        state.teams[key] = team
    }

    /// Puts a contact on a team of a program, or (nil) takes them off; a contact is never on two.
    mutating func setTeamSeat(_ seat: TeamSeat, to key: TeamKey?) {
        let old = state.teamOfContact[seat]
        precondition(
            key == nil || old == nil, "contact \(seat.contactID) put on two teams of program \(seat.programID)")
        undo.append(.teamSeat(seat, old))
        state.teamOfContact[seat] = key
    }

    mutating func setSubscription(_ subscription: Subscription) {
        subscription.checkInvariants()
        undo.append(.subscription(subscription.key, state.subscriptions[subscription.key]))
        state.subscriptions[subscription.key] = subscription
        if subscription.status == .cancelled {
            state.schedule.add(.init(at: subscription.periodEnd, kind: .periodEnd(subscription.key)))
        }
    }

    /// Stores a coupon and keeps the holder's unused-coupon index in step with its status.
    mutating func setCoupon(_ coupon: Coupon) {
        undo.append(.coupon(coupon.code, state.coupons[coupon.code]))
        state.coupons[coupon.code] = coupon
        let holder = CouponHolder(contactID: coupon.contactID, promoID: coupon.promoID)
        let indexed = state.unusedCouponOfHolder[holder]
        if coupon.status == .issued {
            precondition(indexed == nil || indexed == coupon.code, "a second unused coupon for \(coupon.contactID)")
            state.schedule.add(.init(at: coupon.expiresAt, kind: .couponExpiry(code: coupon.code)))
        }
        let wanted = coupon.status == .issued ? coupon.code : (indexed == coupon.code ? nil : indexed)
        if wanted != indexed {
            undo.append(.couponHolder(holder, indexed))
            state.unusedCouponOfHolder[holder] = wanted
        }
    }

    /// The next coupon code this event's recorded random bytes give that no coupon has yet.
    mutating func deriveCouponCode() throws(Reason) -> String {
        guard !generated.entropy.isEmpty else { throw .missingEntropy }
        while true {
            let code = CouponCode.derive(from: generated.entropy, index: codesDerived)
            codesDerived += 1
            if state.coupons[code] == nil { return code }
        }
    }

    // MARK: - Member primitives shared by every rule

    /// Checks the member exists; otherwise the rejection every command but genpass and import gives.
    func requireMember(_ contactID: String) throws(Reason) {
        guard state.members.contains(contactID) else { throw .unknownMember(contactID: contactID) }
    }

    /// Adds the tags the member lacks, in list order, once each.
    mutating func applyTags(_ tags: [String], to contactID: String, origin: EffectOrigin = .rule) {
        changeTags(tags, of: contactID, adding: true, origin: origin)
    }

    /// Removes the tags the member has, in list order.
    mutating func removeTags(_ tags: [String], from contactID: String, origin: EffectOrigin = .rule) {
        changeTags(tags, of: contactID, adding: false, origin: origin)
    }

    /// Adds (or removes) the listed tags the member lacks (or has), in list order, once each: one logged
    /// change for all of them, so the member is copied into the undo log once.
    private mutating func changeTags(_ tags: [String], of contactID: String, adding: Bool, origin: EffectOrigin) {
        let changing = state.members.read(contactID) { member in
            var chosen = TagSet()
            return tags.filter { member.tags.contains($0) != adding && chosen.insert($0) }
        }
        guard let changing, !changing.isEmpty else { return }
        modifyMember(contactID) { member in
            for tag in changing { _ = adding ? member.tags.insert(tag) : member.tags.remove(tag) }
        }
        for tag in changing {
            record(
                adding
                    ? .tagApplied(contactID: contactID, tag: tag, origin: origin)
                    : .tagRemoved(contactID: contactID, tag: tag, origin: origin))
        }
    }

    /// Sets a field when its value differs.
    mutating func setField(_ field: String, to value: String, of contactID: String, origin: EffectOrigin = .rule) {
        guard state.members.read(contactID, { $0.fields[field] != value }) == true else { return }
        modifyMember(contactID) { $0.fields[field] = value }
        record(.fieldSet(contactID: contactID, field: field, value: value, origin: origin))
    }
}
