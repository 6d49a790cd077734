import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Duplicates: fingerprints inside the dedup window")
struct DuplicateTests {
    private func ledger(window: Int64? = nil) -> Scenario {
        var catalog = Catalog.sample
        if let window { catalog.dedupWindowSeconds = window }
        var ledger = Scenario(catalog: catalog)
        ledger.genpass("42")
        return ledger
    }

    private func award(_ ledger: inout Scenario, fingerprint: String?) -> Outcome {
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "7"], fingerprint: fingerprint)
    }

    @Test("a repeat within the window is a duplicate of the first seq and changes nothing")
    func duplicateWithinWindow() {
        var ledger = ledger()
        let first = award(&ledger, fingerprint: "delivery-1")
        let firstSeq = ledger.events.last!.seq
        ledger.wait(seconds: 59)
        let before = ledger.state.members
        let repeatOutcome = award(&ledger, fingerprint: "delivery-1")
        #expect(first.status == .applied)
        #expect(repeatOutcome.status == .duplicate)
        #expect(repeatOutcome.duplicateOf == firstSeq)
        #expect(repeatOutcome.effects.isEmpty)
        #expect(ledger.state.members == before)
        #expect(ledger.state.member("42")?.fields["member_points"] == "50")
    }

    @Test("the window is measured from the first sighting, in recorded time; after it the event applies again")
    func afterWindow() {
        var ledger = ledger()
        _ = award(&ledger, fingerprint: "delivery-1")
        ledger.wait(seconds: 30)
        #expect(award(&ledger, fingerprint: "delivery-1").status == .duplicate)
        ledger.wait(seconds: 30)
        #expect(award(&ledger, fingerprint: "delivery-1").status == .applied)
        #expect(ledger.state.member("42")?.fields["member_points"] == "100")
    }

    @Test(
        "the catalog sets the window",
        arguments: [(10, 9, .duplicate), (10, 10, .applied), (0, 0, .applied)] as [(Int64, Int64, Outcome.Status)])
    func catalogWindow(window: Int64, wait: Int64, expected: Outcome.Status) {
        var ledger = ledger(window: window)
        _ = award(&ledger, fingerprint: "same")
        ledger.wait(seconds: wait)
        #expect(award(&ledger, fingerprint: "same").status == expected)
    }

    @Test("different fingerprints, or none, are never duplicates")
    func distinct() {
        var ledger = ledger()
        #expect(award(&ledger, fingerprint: "a").status == .applied)
        #expect(award(&ledger, fingerprint: "b").status == .applied)
        #expect(award(&ledger, fingerprint: nil).status == .applied)
        #expect(award(&ledger, fingerprint: nil).status == .applied)
    }

    @Test("a rejected event does not claim its fingerprint, so a retry after the fix applies")
    func rejectedDoesNotCount() {
        var ledger = Scenario(catalog: .sample)
        let rejected = ledger.webhook(.updateUser, "42", tags: ["A"], fingerprint: "retry-me")
        #expect(rejected.status == .rejected)
        ledger.genpass("42")
        #expect(ledger.webhook(.updateUser, "42", tags: ["A"], fingerprint: "retry-me").status == .applied)
    }

    @Test("the same normalized command has the same fingerprint; any difference changes it")
    func commandFingerprint() {
        let command = WebhookCommand(
            .updateTeam, contact: ContactData(contactID: "42", tags: ["a", "b"], fields: ["x": "1", "y": "2"]),
            parameters: ["teamId": "3", "change": "5"])
        var other = command
        other.parameters["change"] = "6"
        var reordered = command
        reordered.contacts[0].tags = ["b", "a"]
        #expect(Fingerprint.of(command: command) == Fingerprint.of(command: command))
        #expect(Fingerprint.of(command: command) != Fingerprint.of(command: other))
        #expect(Fingerprint.of(command: command) != Fingerprint.of(command: reordered))
        #expect(Fingerprint.of(command: command).hasPrefix("cmd:"))
        #expect(Fingerprint.of(idempotencyKey: "9c2e1f3a").hasPrefix("key:"))
        #expect(Fingerprint.of(idempotencyKey: "a") != Fingerprint.of(idempotencyKey: "b"))
    }

    @Test("old fingerprints are forgotten as time passes, so the window stays small")
    func pruning() {
        var ledger = ledger()
        for index in 0..<100 {
            _ = award(&ledger, fingerprint: "d\(index)")
            ledger.wait(seconds: 1)
        }
        #expect(ledger.state.recentFingerprints.count == 60)
        ledger.wait(seconds: 60)
        ledger.genpass("43")
        #expect(ledger.state.recentFingerprints.count == 0)
    }
}
