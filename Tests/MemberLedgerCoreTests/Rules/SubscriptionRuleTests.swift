import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Subscriptions: orders, payments, cancel, revoke, pause, charge")
struct SubscriptionRuleTests {
    private let key = SubscriptionKey(contactID: "42", productID: "11")

    private func ledger(gateway: Gateway = .stripe) -> Scenario {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        order(&ledger, gateway: gateway)
        return ledger
    }

    @discardableResult
    private func order(_ ledger: inout Scenario, gateway: Gateway = .stripe) -> Outcome {
        ledger.record(
            .orderCompleted(
                OrderCompleted(contactID: "42", productID: "11", gateway: gateway, amount: 4900, currency: "USD")))
    }

    private func payment(_ ledger: inout Scenario, failed: Bool, amount: Int64 = 4900) -> Outcome {
        let reported = PaymentReported(contactID: "42", productID: "11", amount: amount)
        return ledger.record(failed ? .paymentFailed(reported) : .paymentSucceeded(reported))
    }

    private func command(_ operation: WebhookOperation, _ ledger: inout Scenario) -> Outcome {
        ledger.webhook(operation, "42", parameters: ["productId": "11"])
    }

    private func status(_ ledger: Scenario) -> SubscriptionStatus? { ledger.state.subscriptions[key]?.status }
    private func tags(_ ledger: Scenario) -> TagSet { ledger.state.member("42")?.tags ?? [] }

    @Test("order.completed: active, access tags, period end one calendar month later")
    func orderCompleted() throws {
        let ledger = ledger()
        let subscription = try #require(ledger.state.subscriptions[key])
        #expect(subscription.status == .active)
        #expect(subscription.periodEnd == Timestamp(rfc3339: "2026-04-01T09:00:00Z"))
        #expect(tags(ledger) == ["Gold"])
        #expect(
            ledger.lastOutcome.effects.first == .subscriptionStatusChanged(subscription: key, from: nil, to: .active))
    }

    @Test("a new order while active, paused or cancelled-but-not-ended is rejected")
    func orderWhileRunning() {
        var ledger = ledger()
        #expect(order(&ledger).reason == .subscriptionAlreadyRunning(subscription: key, status: .active))
        _ = command(.adminStopSubscription, &ledger)
        #expect(order(&ledger).reason == .subscriptionAlreadyRunning(subscription: key, status: .paused))
        _ = command(.cancelSubscription, &ledger)
        #expect(order(&ledger).reason == .subscriptionAlreadyRunning(subscription: key, status: .cancelled))
    }

    @Test("cancel: pause tags now, revoke tags at the period end, then a new order starts afresh")
    func cancelThenEnd() throws {
        var ledger = ledger()
        ledger.wait(days: 10)
        let cancel = command(.cancelSubscription, &ledger)
        #expect(cancel.status == .applied)
        #expect(status(ledger) == .cancelled)
        #expect(tags(ledger) == ["Gold", "Gold Paused"])
        #expect(command(.cancelSubscription, &ledger).status == .unchanged)

        let periodEnd = try #require(ledger.state.subscriptions[key]?.periodEnd)
        let before = ledger.state(asOf: periodEnd.adding(seconds: -1))
        #expect(before.member("42")?.tags.contains("Gold Revoked") == false)
        let after = ledger.state.advanced(to: periodEnd)
        #expect(after.state.member("42")?.tags.contains("Gold Revoked") == true)
        #expect(after.state.subscriptions[key]?.status == .ended)
        #expect(
            after.transitions == [
                TimedEffect(
                    effectiveAt: periodEnd,
                    effect: .subscriptionStatusChanged(subscription: key, from: .cancelled, to: .ended)),
                TimedEffect(
                    effectiveAt: periodEnd, effect: .tagApplied(contactID: "42", tag: "Gold Revoked", origin: .rule)),
            ])

        ledger.now = periodEnd.adding(days: 2)
        let again = order(&ledger)
        #expect(again.status == .applied)
        #expect(again.transitions.count == 2)
        #expect(again.transitions.allSatisfy { $0.effectiveAt == periodEnd })
        #expect(status(ledger) == .active)
        #expect(tags(ledger) == ["Gold"])
    }

    @Test("cancel a paused subscription; revoke or end blocks cancel")
    func cancelFromPaused() {
        var ledger = ledger()
        _ = command(.adminStopSubscription, &ledger)
        #expect(command(.cancelSubscription, &ledger).status == .applied)
        #expect(status(ledger) == .cancelled)
        #expect(command(.revokeSubscription, &ledger).status == .applied)
        #expect(
            command(.cancelSubscription, &ledger).reason
                == .subscriptionNotAllowed(subscription: key, status: .revoked, action: "cancel"))
    }

    @Test("revoke: active or cancelled → revoked, revoke tags now; paused is refused")
    func revoke() {
        var ledger = ledger()
        #expect(command(.revokeSubscription, &ledger).status == .applied)
        #expect(status(ledger) == .revoked)
        #expect(tags(ledger) == ["Gold", "Gold Revoked"])
        #expect(command(.revokeSubscription, &ledger).status == .unchanged)
        #expect(
            command(.chargeSubscription, &ledger).reason
                == .subscriptionNotAllowed(subscription: key, status: .revoked, action: "charge"))

        var paused = self.ledger()
        _ = command(.adminStopSubscription, &paused)
        #expect(
            command(.revokeSubscription, &paused).reason
                == .subscriptionNotAllowed(subscription: key, status: .paused, action: "revoke"))
        #expect(status(paused) == .paused)
    }

    @Test("a revoked cancel no longer ends at the period end")
    func revokedAfterCancel() throws {
        var ledger = ledger()
        _ = command(.cancelSubscription, &ledger)
        _ = command(.revokeSubscription, &ledger)
        let end = try #require(ledger.state.subscriptions[key]?.periodEnd)
        let later = ledger.state.advanced(to: end.adding(days: 1))
        #expect(later.transitions.isEmpty)
        #expect(later.state.subscriptions[key]?.status == .revoked)
    }

    @Test("adminstop: active → paused with pause tags, access kept; again unchanged; PayPal refused")
    func pause() {
        var ledger = ledger()
        #expect(command(.adminStopSubscription, &ledger).status == .applied)
        #expect(tags(ledger) == ["Gold", "Gold Paused"])
        #expect(command(.adminStopSubscription, &ledger).reason == .alreadyInStatus(subscription: key, status: .paused))

        var paypal = self.ledger(gateway: .paypal)
        #expect(
            command(.adminStopSubscription, &paypal).reason
                == .notSupportedForPayPal(subscription: key, action: "pause"))
        #expect(status(paypal) == .active)
        _ = command(.cancelSubscription, &paypal)
        #expect(
            command(.adminStopSubscription, &paypal).reason
                == .notSupportedForPayPal(subscription: key, action: "pause"))

        var cancelled = self.ledger()
        _ = command(.cancelSubscription, &cancelled)
        #expect(
            command(.adminStopSubscription, &cancelled).reason
                == .subscriptionNotAllowed(subscription: key, status: .cancelled, action: "pause"))
    }

    @Test("payment.failed adds to the balance and applies failed tags; charge requests the balance")
    func failedThenCharge() {
        var ledger = ledger()
        #expect(command(.chargeSubscription, &ledger).reason == .noBalance(subscription: key))
        let failed = payment(&ledger, failed: true)
        #expect(
            failed.effects == [
                .balanceChanged(subscription: key, from: 0, to: 4900),
                .tagApplied(contactID: "42", tag: "Gold Failed", origin: .rule),
            ])
        let charge = command(.chargeSubscription, &ledger)
        #expect(charge.effects == [.chargeRequested(subscription: key, amount: 4900, currency: "USD")])
        #expect(tags(ledger) == ["Gold", "Gold Failed"])
        #expect(ledger.state.subscriptions[key]?.balance == 4900)
    }

    @Test("payment.succeeded pays the balance first, then renews an active subscription")
    func succeededPaysBalanceThenRenews() throws {
        var ledger = ledger()
        _ = payment(&ledger, failed: true)
        _ = payment(&ledger, failed: true, amount: 100)
        let firstEnd = try #require(ledger.state.subscriptions[key]?.periodEnd)
        let partial = payment(&ledger, failed: false, amount: 4000)
        #expect(partial.effects == [.balanceChanged(subscription: key, from: 5000, to: 1000)])
        #expect(tags(ledger).contains("Gold Failed"))
        _ = payment(&ledger, failed: false, amount: 4900)
        #expect(ledger.state.subscriptions[key]?.balance == 0)
        #expect(!tags(ledger).contains("Gold Failed"))
        #expect(ledger.state.subscriptions[key]?.periodEnd == firstEnd)
        let renewal = payment(&ledger, failed: false)
        let secondEnd = Timestamp(rfc3339: "2026-05-01T09:00:00Z")!
        #expect(renewal.effects == [.subscriptionRenewed(subscription: key, periodEnd: secondEnd)])
    }

    @Test("payments on a paused subscription renew nothing; on a revoked one they are refused")
    func paymentsOutsideActive() {
        var ledger = ledger()
        _ = command(.adminStopSubscription, &ledger)
        #expect(payment(&ledger, failed: false).reason == .nothingToRenew(subscription: key, status: .paused))
        #expect(
            payment(&ledger, failed: true).reason
                == .subscriptionNotAllowed(subscription: key, status: .paused, action: "record a failed payment on"))
        _ = command(.cancelSubscription, &ledger)
        _ = command(.revokeSubscription, &ledger)
        #expect(
            payment(&ledger, failed: false).reason
                == .subscriptionNotAllowed(subscription: key, status: .revoked, action: "take a payment for"))
        #expect(payment(&ledger, failed: false, amount: 0).status == .rejected)
    }

    @Test("charge: PayPal refused, zero balance unchanged, no tag changes")
    func charge() {
        var paypal = ledger(gateway: .paypal)
        _ = payment(&paypal, failed: true)
        #expect(
            command(.chargeSubscription, &paypal).reason == .notSupportedForPayPal(subscription: key, action: "charge"))
        var stripe = ledger()
        #expect(command(.chargeSubscription, &stripe).status == .unchanged)
        _ = payment(&stripe, failed: true)
        let tagsBefore = tags(stripe)
        _ = command(.chargeSubscription, &stripe)
        #expect(tags(stripe) == tagsBefore)
    }

    @Test("unknown or missing productId is rejected naming it; no subscription is rejected")
    func unknownProduct() {
        var ledger = ledger()
        #expect(
            ledger.webhook(.cancelSubscription, "42", parameters: ["productId": "99"]).reason
                == .unknownProduct(id: "99"))
        #expect(ledger.webhook(.revokeSubscription, "42").reason == .missingParameter(name: "productId"))
        #expect(
            ledger.webhook(.cancelSubscription, "42", parameters: ["productId": "12"]).reason
                == .noSubscription(subscription: SubscriptionKey(contactID: "42", productID: "12")))
    }

    @Test("a cancel after the paid period already ran out ends the subscription at once")
    func cancelAfterPeriodEnd() {
        var ledger = ledger()
        ledger.wait(days: 45)
        let outcome = command(.cancelSubscription, &ledger)
        #expect(status(ledger) == .ended)
        #expect(outcome.effects.contains(.tagApplied(contactID: "42", tag: "Gold Revoked", origin: .rule)))
    }
}
