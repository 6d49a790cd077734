import MemberLedgerCore
import MemberLedgerTesting
import Testing

/// Inputs a review found could crash, mislead or diverge; each stays fixed.
@Suite("Regressions from review")
struct RegressionTests {
    @Test("change=Int.min is a rejected parameter, not a crash")
    func hugeChange() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.webhook(.initiateTeam, "42", parameters: ["teamId": "3"])
        for change in [String(Int.min), String(Int.max), "99999999999999999999999"] {
            let outcome = ledger.webhook(.updateTeam, "42", parameters: ["teamId": "3", "change": change])
            #expect(
                outcome.reason == .invalidParameter(name: "change", value: change, expected: "a non-zero whole number"))
        }
    }

    @Test("a dedup window or coupon validity beyond their caps is refused when the catalog is recorded")
    func catalogCaps() {
        var catalog = Catalog.sample
        catalog.dedupWindowSeconds = 10_000_000_000_000
        var ledger = Scenario()
        #expect(ledger.record(.catalogUpdated(catalog)).status == .rejected)
        catalog = .sample
        catalog.promos[0].validDays = 1_000_000_000
        #expect(ledger.record(.catalogUpdated(catalog)).status == .rejected)
    }

    @Test("instant arithmetic saturates instead of trapping")
    func saturation() {
        let end = Timestamp(microseconds: .max)
        #expect(end.adding(days: 1) == end)
        #expect(end.adding(seconds: 1) == end)
        #expect(Timestamp(microseconds: .min).adding(days: -1).microseconds == .min)
        #expect(Scenario.start.adding(months: Int.max / 2).microseconds == .max)
        #expect(BillingPeriod.days(36_600).end(from: Scenario.start, periods: 1_000_000).microseconds == .max)
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.now = Timestamp(microseconds: Int64.max - 10)
        #expect(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).status == .applied)
    }

    @Test("a window shrunk by the catalog still catches a retry inside the new window")
    func shrunkWindow() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"], fingerprint: "d1")
        ledger.wait(seconds: 30)
        var shorter = Catalog.sample
        shorter.dedupWindowSeconds = 10
        ledger.record(.catalogUpdated(shorter))
        #expect(
            ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"], fingerprint: "d1").status
                == .applied)
        ledger.wait(seconds: 5)
        let retry = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"], fingerprint: "d1")
        #expect(retry.status == .duplicate)
        #expect(retry.duplicateOf == Int64(ledger.events.count - 1))
    }

    @Test("an interaction may chain to a custom operation that shares its id")
    func interactionNamespace() throws {
        var catalog = Catalog.sample
        catalog.teamPrograms[0].interactions = [CustomOperation(id: "7", name: "Points", actions: [], then: "7")]
        try catalog.validate()
        var ledger = Scenario(catalog: catalog)
        ledger.genpass("42")
        ledger.webhook(.initiateTeam, "42", parameters: ["teamId": "3"])
        let outcome = ledger.webhook(.teamOperation, "42", parameters: ["teamId": "3", "opId": "7"])
        #expect(outcome.status == .applied)
        #expect(ledger.state.member("42")?.fields["member_points"] == "50")
    }

    @Test("issue, redeem and re-issue in one microsecond: a rebuilt state answers like the live one")
    func couponIndexRebuild() throws {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        let first = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        ledger.record(.couponRedeemed(CouponRedeemed(contactID: "42", code: first)))
        let second = try #require(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).coupon)
        var rebuilt = try LedgerState(canonicalBytes: ledger.state.canonicalBytes)
        rebuilt.rebuildDerivedTables()
        let next = Event(
            seq: ledger.state.lastSeq + 1, recordedAt: ledger.now,
            payload: .webhookReceived(
                WebhookReceived(
                    command: WebhookCommand(
                        .createCoupon, contact: ContactData(contactID: "42"), parameters: ["promoId": "5"]),
                    generated: GeneratedValues(entropy: [9, 9, 9]))))
        let live = ledger.state.applying(next).outcome
        #expect(live.status == .unchanged)
        #expect(live.coupon == second)
        #expect(rebuilt.applying(next).outcome == live)
    }

    @Test("a custom operation failing late undoes coupons, seats and tags it already changed")
    func atomicAcrossAreas() throws {
        var catalog = Catalog.sample
        catalog.customOperations.append(
            CustomOperation(
                id: "14", name: "Bundle",
                actions: [
                    .generateCoupon(promoID: "5"), .changeTeamSize(teamProgramID: "3", change: 2),
                    .applyTags(["Bundle"]),
                    .subscription(.cancel, productID: "12"),
                ]))
        var ledger = Scenario(catalog: catalog)
        ledger.genpass("42")
        ledger.webhook(.initiateTeam, "42", parameters: ["teamId": "3"])
        let before = ledger.state
        let outcome = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "14"])
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .noSubscription(subscription: SubscriptionKey(contactID: "42", productID: "12")))
        #expect(outcome.effects.isEmpty)
        #expect(ledger.state.members == before.members)
        #expect(ledger.state.teams == before.teams)
        #expect(ledger.state.coupons.isEmpty)
        #expect(ledger.webhook(.createCoupon, "42", parameters: ["promoId": "5"]).status == .applied)
    }

    @Test("an event recorded before the instant a state was advanced to stops the program")
    func eventBeforeClock() async {
        await #expect(processExitsWith: .failure) {
            var ledger = Scenario(catalog: .sample)
            ledger.genpass("42")
            var state = ledger.state
            state.advance(to: ledger.now.adding(days: 1))
            state.apply(
                Event(
                    seq: state.lastSeq + 1, recordedAt: ledger.now,
                    payload: .memberImported(MemberImported(contact: ContactData(contactID: "43")))))
        }
    }
}

@Suite("Recorder: values generated when an event is recorded")
struct RecorderTests {
    @Test("a genpass for a new contact gets a 16+ character password whose Django hash verifies")
    func password() throws {
        var generator = SystemRandomNumberGenerator()
        let command = WebhookCommand(.genpass, contact: ContactData(contactID: "42"))
        let generated = Recorder.generate(for: command, newMember: true, iterations: 1000, using: &generator)
        let password = try #require(generated.password)
        #expect(password.count >= 16)
        let hash = try #require(generated.values.passwordHash.flatMap(DjangoPasswordHash.init(encoded:)))
        #expect(hash.iterations == 1000)
        #expect(hash.verify(password))
        #expect(!(generated.values.passwordHash ?? "").contains(password))
        #expect(Recorder.generate(for: command, newMember: false, iterations: 1000, using: &generator).password == nil)
    }

    @Test("commands that may issue coupons get 16 random bytes; others get none", arguments: WebhookOperation.allCases)
    func entropy(operation: WebhookOperation) {
        var generator = SystemRandomNumberGenerator()
        let command = WebhookCommand(operation, contact: ContactData(contactID: "42"))
        let generated = Recorder.generate(for: command, newMember: false, iterations: 1, using: &generator)
        let expected = [.createCoupon, .fieldOperation, .teamOperation].contains(operation) ? 16 : 0
        #expect(generated.values.entropy.count == expected)
    }

    @Test("the fingerprint is the idempotency key's when there is one, else the command's")
    func fingerprint() {
        let command = WebhookCommand(.updateUser, contact: ContactData(contactID: "42", tags: ["a"]))
        #expect(Recorder.fingerprint(of: command) == Fingerprint.of(command: command))
        #expect(Recorder.fingerprint(of: command, idempotencyKey: "k") == Fingerprint.of(idempotencyKey: "k"))
    }
}
