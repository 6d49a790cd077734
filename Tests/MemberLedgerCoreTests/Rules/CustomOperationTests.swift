import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Custom operations: aal_fieldop")
struct CustomOperationTests {
    private func ledger(points: String? = nil, tags: [String] = []) -> Scenario {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42", tags: tags, fields: points.map { ["member_points": $0] } ?? [:])
        return ledger
    }

    @Test(
        "addToField reads empty or missing as 0 and trims padding",
        arguments: [(nil, "50"), ("", "50"), ("  150 ", "200"), ("-80", "-30"), ("0", "50")] as [(String?, String)])
    func addToField(start: String?, expected: String) {
        var ledger = ledger(points: start)
        let outcome = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"])
        #expect(outcome.status == .applied)
        #expect(ledger.state.member("42")?.fields["member_points"] == expected)
        #expect(outcome.effects == [.fieldSet(contactID: "42", field: "member_points", value: expected, origin: .rule)])
    }

    @Test("actions run in order, then the `then` operation")
    func chain() throws {
        var ledger = ledger(points: "10", tags: ["Trial"])
        let outcome = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
        let member = try #require(ledger.state.member("42"))
        #expect(member.tags == ["Gold"])
        #expect(member.fields == ["level": "gold", "member_points": "60"])
        #expect(
            outcome.effects == [
                .tagApplied(contactID: "42", tag: "Gold", origin: .rule),
                .tagRemoved(contactID: "42", tag: "Trial", origin: .rule),
                .fieldSet(contactID: "42", field: "level", value: "gold", origin: .rule),
                .fieldSet(contactID: "42", field: "member_points", value: "60", origin: .rule),
            ])
    }

    @Test(
        "addToField on a non-integer value rejects the whole operation and changes nothing",
        arguments: ["lots", "12.5", "1e3", "٣"])
    func atomic(value: String) {
        var ledger = ledger(points: value, tags: ["Trial"])
        let before = ledger.state.member("42")
        let outcome = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .notAnInteger(field: "member_points", value: value))
        #expect(outcome.effects.isEmpty)
        #expect(ledger.state.member("42") == before)
    }

    @Test("overflow is rejected, not wrapped")
    func overflow() {
        var ledger = ledger(points: String(Int64.max))
        #expect(
            ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"]).reason
                == .fieldOverflow(field: "member_points"))
    }

    @Test("unknown or missing operationId is rejected naming it")
    func unknownOperation() {
        var ledger = ledger()
        #expect(
            ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "70"]).reason
                == .unknownCustomOperation(id: "70"))
        #expect(ledger.webhook(.fieldOperation, "42").reason == .missingParameter(name: "operationId"))
        #expect(
            ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "  "]).reason
                == .missingParameter(name: "operationId"))
    }

    @Test("an operation can issue a coupon, resize a team and cancel a subscription")
    func richActions() throws {
        var ledger = ledger()
        let coupon = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "9"])
        #expect(coupon.status == .applied)
        let code = try #require(coupon.coupon)
        #expect(ledger.state.member("42")?.fields["comeback_coupon"] == code)
        #expect(ledger.state.member("42")?.tags.contains("Offer Sent") == true)

        ledger.webhook(.initiateTeam, "42", parameters: ["teamId": "3"])
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "10"])
        #expect(ledger.state.team(of: "42", inProgram: "3")?.seats == 7)

        ledger.record(
            .orderCompleted(
                OrderCompleted(contactID: "42", productID: "11", gateway: .stripe, amount: 4900, currency: "USD")))
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "13"])
        #expect(ledger.state.subscription(of: "42", to: "11")?.status == .cancelled)
    }

    @Test("a failing action late in an operation undoes the earlier ones (coupon, tags, team)")
    func rollbackAcrossAreas() {
        var ledger = ledger()
        // Operation 13 cancels product 11, which the member never ordered: rejected, nothing applied.
        let before = ledger.state
        let outcome = ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "13"])
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .noSubscription(subscription: SubscriptionKey(contactID: "42", productID: "11")))
        var expected = before
        expected.advance(to: ledger.now)
        #expect(ledger.state.members == expected.members)
    }

    @Test("a hand-made catalog with a `then` loop is refused, never run forever")
    func cycleRefused() {
        let looping = Catalog(customOperations: [
            CustomOperation(id: "1", name: "a", actions: [], then: "2"),
            CustomOperation(id: "2", name: "b", actions: [], then: "1"),
        ])
        var ledger = Scenario()
        let outcome = ledger.record(.catalogUpdated(looping))
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .invalidCatalog(.cycle(["1", "2"])))
        #expect(ledger.state.catalog == .empty)
    }
}
