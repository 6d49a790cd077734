/// The passage of time. Nothing in the core reads a clock: the state is advanced to an event's recorded
/// time before the event applies, or to any instant a query asks about ("as of"). Advancing runs the
/// transitions that fell due, in (instant, kind, key) order, each at its own effective instant.
extension LedgerState {
    /// Moves the state's clock forward to `instant`, applying due transitions: a cancelled subscription at
    /// its period end gets its revoke tags; an unused coupon at its expiry expires. An instant at or before
    /// the clock changes nothing.
    @discardableResult
    public mutating func advance(to instant: Timestamp) -> [TimedEffect] {
        guard instant > clock else { return [] }
        let transitions = withTransaction(now: clock, generated: .none) { transaction in
            var transitions: [TimedEffect] = []
            while let deadline = transaction.state.schedule.popDue(atOrBefore: instant) {
                transaction.now = deadline.at
                let before = transaction.effects.count
                switch deadline.kind {
                case .periodEnd(let key): transaction.endSubscription(key)
                case .couponExpiry(let code): transaction.expireCoupon(code)
                }
                for effect in transaction.effects[before...] {
                    transitions.append(TimedEffect(effectiveAt: deadline.at, effect: effect))
                }
            }
            return transitions
        }
        clock = instant
        recentFingerprints.prune(at: instant, windowSeconds: catalog.dedupWindowSeconds)
        recentKeys.prune(at: instant, windowSeconds: catalog.idempotencyWindowSeconds)
        return transitions
    }

    /// This state as of a later instant, with the transitions that brought it there.
    public func advanced(to instant: Timestamp) -> (state: LedgerState, transitions: [TimedEffect]) {
        var later = self
        let transitions = later.advance(to: instant)
        return (later, transitions)
    }
}
