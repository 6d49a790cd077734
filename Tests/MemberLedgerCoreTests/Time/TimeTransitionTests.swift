import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Time: advancing, as-of and transitions")
struct TimeTransitionTests {
    @Test("transitions come out in one order, each at its own effective time")
    func ordering() throws {
        var ledger = Scenario(catalog: .sample)
        for id in ["b", "a"] {
            ledger.genpass(id)
            ledger.record(
                .orderCompleted(
                    OrderCompleted(contactID: id, productID: "11", gateway: .stripe, amount: 1, currency: "EUR")))
            ledger.webhook(.cancelSubscription, id, parameters: ["productId": "11"])
            ledger.webhook(.createCoupon, id, parameters: ["promoId": "5"])
        }
        let (_, transitions) = ledger.state.advanced(to: ledger.now.adding(days: 60))
        let couponExpiry = ledger.now.adding(days: 3)
        let periodEnd = Timestamp(rfc3339: "2026-04-01T09:00:00Z")!
        #expect(
            transitions.map(\.effectiveAt) == [couponExpiry, couponExpiry, periodEnd, periodEnd, periodEnd, periodEnd])
        #expect(
            transitions[2].effect
                == .subscriptionStatusChanged(
                    subscription: SubscriptionKey(contactID: "a", productID: "11"), from: .cancelled, to: .ended))
    }

    @Test("advancing is idempotent and never goes back")
    func idempotent() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"])
        var state = ledger.state
        let later = ledger.now.adding(days: 4)
        #expect(state.advance(to: later).count == 1)
        #expect(state.advance(to: later).isEmpty)
        #expect(state.advance(to: ledger.now).isEmpty)
        #expect(state.clock == later)
    }

    @Test("advancing in many small steps equals one big step")
    func stepwise() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.record(
            .orderCompleted(
                OrderCompleted(contactID: "42", productID: "11", gateway: .stripe, amount: 1, currency: "EUR")))
        ledger.webhook(.cancelSubscription, "42", parameters: ["productId": "11"])
        ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"])
        let target = ledger.now.adding(days: 40)
        var stepped = ledger.state
        var steppedTransitions: [TimedEffect] = []
        var instant = ledger.now
        while instant < target {
            instant = instant.adding(seconds: 3600 * 7)
            steppedTransitions += stepped.advance(to: min(instant, target))
        }
        let (jumped, jumpedTransitions) = ledger.state.advanced(to: target)
        #expect(stepped == jumped)
        #expect(stepped.digest == jumped.digest)
        #expect(steppedTransitions == jumpedTransitions)
    }
}
