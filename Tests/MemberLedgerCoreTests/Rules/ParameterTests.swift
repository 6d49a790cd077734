import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Parameters every command needs")
struct ParameterTests {
    static let complete = [
        "operationId": "7", "teamId": "3", "change": "1", "opId": "1", "promoId": "5", "productId": "11",
    ]

    static let cases: [(WebhookOperation, String)] = WebhookOperation.allCases.flatMap { operation in
        operation.requiredParameters.map { (operation, $0) }
    }

    @Test("a missing or blank required parameter is rejected naming it", arguments: cases)
    func missing(operation: WebhookOperation, parameter: String) {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        ledger.webhook(.initiateTeam, "42", parameters: ["teamId": "3"])
        var parameters = Self.complete
        parameters[parameter] = nil
        #expect(ledger.webhook(operation, "42", parameters: parameters).reason == .missingParameter(name: parameter))
        parameters[parameter] = " "
        #expect(ledger.webhook(operation, "42", parameters: parameters).reason == .missingParameter(name: parameter))
    }

    @Test(
        "an unknown id is rejected naming it",
        arguments: [
            (WebhookOperation.fieldOperation, "operationId", Reason.unknownCustomOperation(id: "x")),
            (.initiateTeam, "teamId", .unknownTeamProgram(id: "x")),
            (.deleteTeam, "teamId", .unknownTeamProgram(id: "x")),
            (.removeTeam, "teamId", .unknownTeamProgram(id: "x")),
            (.updateTeam, "teamId", .unknownTeamProgram(id: "x")),
            (.teamOperation, "teamId", .unknownTeamProgram(id: "x")),
            (.teamOperation, "opId", .unknownInteraction(programID: "3", id: "x")),
            (.createCoupon, "promoId", .unknownPromo(id: "x")),
            (.revokeSubscription, "productId", .unknownProduct(id: "x")),
            (.cancelSubscription, "productId", .unknownProduct(id: "x")),
            (.adminStopSubscription, "productId", .unknownProduct(id: "x")),
            (.chargeSubscription, "productId", .unknownProduct(id: "x")),
        ])
    func unknownID(operation: WebhookOperation, parameter: String, reason: Reason) {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        var parameters = Self.complete
        parameters[parameter] = "x"
        let outcome = ledger.webhook(operation, "42", parameters: parameters)
        #expect(outcome.reason == reason)
        #expect(outcome.reason?.description.contains("x") == true)
    }

    @Test("a single-contact command with several contacts, or none, is rejected")
    func contactCount() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42")
        let none = WebhookCommand(operation: .updateUser, contacts: [])
        #expect(ledger.webhook(none).reason == .missingContactID)
        let blank = WebhookCommand(.updateUser, contact: ContactData(contactID: " "))
        #expect(ledger.webhook(blank).reason == .missingContactID)
        let two = WebhookCommand(
            operation: .updateUser, contacts: [ContactData(contactID: "42"), ContactData(contactID: "43")])
        #expect(ledger.webhook(two).status == .rejected)
    }
}
