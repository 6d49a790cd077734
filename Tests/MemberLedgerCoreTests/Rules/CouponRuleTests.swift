import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Coupons: createcoupon and coupon.redeemed")
struct CouponRuleTests {
    private func ledger() -> Scenario {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.genpass("43")
        return ledger
    }

    private func redeem(_ code: String, by contactID: String, in ledger: inout Scenario) -> Outcome {
        ledger.record(.couponRedeemed(CouponRedeemed(contactID: contactID, code: code)))
    }

    @Test("createcoupon issues a code valid for the promo's days and writes it to the promo's field")
    func issue() throws {
        var ledger = ledger()
        let outcome = ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"])
        let code = try #require(outcome.coupon)
        let coupon = try #require(ledger.state.coupons[code])
        #expect(
            coupon
                == Coupon(
                    code: code, promoID: "5", contactID: "42", issuedAt: ledger.now,
                    expiresAt: ledger.now.adding(days: 3)))
        #expect(ledger.state.member("42")?.fields["comeback_coupon"] == code)
        #expect(code.count == CouponCode.length)
        #expect(code.allSatisfy { CouponCode.alphabet.contains($0) })
    }

    @Test("holding an unused, unexpired coupon of the promo: unchanged, same code")
    func heldCoupon() throws {
        var ledger = ledger()
        let first = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        ledger.wait(hours: 1)
        let again = ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"])
        #expect(again.status == .unchanged)
        #expect(again.coupon == first)
        #expect(again.reason == .couponAlreadyHeld(code: first))
        #expect(ledger.state.coupons.count == 1)
    }

    @Test("after use or expiry a new coupon is issued with a new code")
    func newAfterUseOrExpiry() throws {
        var ledger = ledger()
        let first = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        #expect(redeem(first, by: "42", in: &ledger).status == .applied)
        let second = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        #expect(second != first)
        ledger.wait(days: 3)
        let third = ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"])
        #expect(third.status == .applied)
        #expect(
            third.transitions == [
                TimedEffect(effectiveAt: ledger.now, effect: .couponExpired(code: second, contactID: "42"))
            ])
        #expect(ledger.state.coupons[second]?.status == .expired)
    }

    @Test("redeemed only by its owner, only once, only before expiry")
    func redemption() throws {
        var ledger = ledger()
        let code = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        #expect(redeem(code, by: "43", in: &ledger).reason == .couponNotOwned(code: code, contactID: "43"))
        #expect(redeem("NOPE", by: "42", in: &ledger).reason == .couponNotFound(code: "NOPE"))
        ledger.wait(minutes: 1)
        let used = redeem(code, by: "42", in: &ledger)
        #expect(used.effects == [.couponRedeemed(code: code, contactID: "42")])
        #expect(ledger.state.coupons[code]?.redeemedAt == ledger.now)
        #expect(redeem(code, by: "42", in: &ledger).reason == .couponAlreadyRedeemed(code: code, at: ledger.now))

        let other = try #require(ledger.webhook(.createCoupon, "43", parameters: ["promoId": "5"]).coupon)
        let expiry = ledger.now.adding(days: 3)
        ledger.now = expiry
        #expect(redeem(other, by: "43", in: &ledger).reason == .couponExpired(code: other, at: expiry))
    }

    @Test("unknown or missing promoId is rejected naming it")
    func unknownPromo() {
        var ledger = ledger()
        #expect(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "55"]).reason == .unknownPromo(id: "55"))
        #expect(ledger.webhook(.createCoupon, "42").reason == .missingParameter(name: "promoId"))
    }

    @Test("a coupon needs recorded entropy; the reducer never invents randomness")
    func needsEntropy() {
        var ledger = ledger()
        let command = WebhookCommand(.createCoupon, contact: ContactData(contactID: "42"), parameters: ["promoId": "5"])
        let outcome = ledger.record(.webhookReceived(WebhookReceived(command: command)))
        #expect(outcome.reason == .missingEntropy)
    }

    @Test("codes derive from entropy alone: same bytes, same code; another index, another code")
    func derivation() {
        let entropy: [UInt8] = Array(0..<16)
        #expect(CouponCode.derive(from: entropy, index: 0) == CouponCode.derive(from: entropy, index: 0))
        #expect(CouponCode.derive(from: entropy, index: 0) != CouponCode.derive(from: entropy, index: 1))
        // The documented derivation, recomputed independently with Python's hashlib.
        #expect(CouponCode.derive(from: entropy, index: 0) == "FM4VYPXERE")
        #expect(!CouponCode.alphabet.contains { "0O1IL".contains($0) })
    }
}
