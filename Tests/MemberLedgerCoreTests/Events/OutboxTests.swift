import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Outbox: what the CRM must be told")
struct OutboxTests {
    @Test("rule-made tags and fields are written back; what the CRM sent is not; a password only as a notice")
    func writes() throws {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42", tags: ["Trial"], fields: ["member_points": "5"])
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
        let code = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        let writes = zip(ledger.events, ledger.outcomes).flatMap { Outbox.writes(for: $1, of: $0) }
        let at = Scenario.start
        #expect(
            writes == [
                CRMWrite(seq: 2, effectiveAt: at, contactID: "42", change: .passwordSet(deliveredInResponseTo: 2)),
                CRMWrite(seq: 3, effectiveAt: at, contactID: "42", change: .applyTag("Gold")),
                CRMWrite(seq: 3, effectiveAt: at, contactID: "42", change: .removeTag("Trial")),
                CRMWrite(seq: 3, effectiveAt: at, contactID: "42", change: .setField(field: "level", value: "gold")),
                CRMWrite(
                    seq: 3, effectiveAt: at, contactID: "42", change: .setField(field: "member_points", value: "55")),
                CRMWrite(
                    seq: 4, effectiveAt: at, contactID: "42", change: .setField(field: "comeback_coupon", value: code)),
            ])
        #expect(!writes.description.contains("password-42"))
    }

    @Test("revoke tags applied at a period end are written back at that instant, with the event that passed it")
    func transitions() throws {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.record(
            .orderCompleted(
                OrderCompleted(contactID: "42", productID: "11", gateway: .stripe, amount: 1, currency: "USD")))
        ledger.webhook(.cancelSubscription, "42", parameters: ["productId": "11"])
        let end = try #require(ledger.state.subscription(of: "42", to: "11")?.periodEnd)
        ledger.now = end.adding(days: 1)
        ledger.webhook(.updateUser, "42", fields: ["x": "1"])
        let writes = Outbox.writes(for: ledger.lastOutcome, of: ledger.events.last!)
        #expect(writes == [CRMWrite(seq: 5, effectiveAt: end, contactID: "42", change: .applyTag("Gold Revoked"))])
    }
}
