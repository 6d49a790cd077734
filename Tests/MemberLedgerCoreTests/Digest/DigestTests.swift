import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("State digest: canonical bytes and SHA-256")
struct DigestTests {
    @Test("the empty state has the documented encoding and digest")
    func emptyState() {
        let state = LedgerState()
        let bytes = state.canonicalBytes
        // magic (4-byte length + 21 bytes), three 8-byte instants/seq, the catalog JSON, six empty lists.
        let catalog = Array(#"{"customOperations":[],"teamPrograms":[],"products":[],"promos":[]}"#.utf8)
        var expected: [UInt8] = [0, 0, 0, 21] + Array("memberledger-state/1\n".utf8)
        expected += [UInt8](repeating: 0, count: 24)
        expected += [0, 0, 0, UInt8(catalog.count)] + catalog
        expected += [UInt8](repeating: 0, count: 24)
        #expect(bytes == expected)
        #expect(state.digest == "76b4748d0ba89c2f7f305c1e5955b4128f9d8415ace8a6e65778b4cbaa23b77f")
    }

    @Test("insertion order of members, tags and fields never changes the digest")
    func orderIndependence() {
        let contacts = (0..<50).map { index in
            ContactData(
                contactID: "c\(index)", email: "c\(index)@example.com",
                tags: (0..<8).map { "tag-\(($0 * 7 + index) % 11)" }, fields: ["f\(index % 5)": "\(index)", "é": "x"])
        }
        var forward = Scenario()
        for contact in contacts { forward.webhook(WebhookCommand(.genpass, contact: contact)) }
        var backward = Scenario()
        for contact in contacts.reversed() { backward.webhook(WebhookCommand(.genpass, contact: contact)) }
        #expect(forward.state == backward.state)
        #expect(forward.state.canonicalBytes == backward.state.canonicalBytes)
        #expect(forward.state.digest == backward.state.digest)
    }

    @Test("different states have different digests")
    func sensitivity() {
        var a = Scenario()
        a.genpass("42", tags: ["x"])
        var b = Scenario()
        b.genpass("42", tags: ["y"])
        #expect(a.state.digest != b.state.digest)
        var c = Scenario()
        c.genpass("42", tags: ["x"])
        #expect(a.state.digest == c.state.digest)
    }

    @Test("canonical encoding is unambiguous: moving bytes between adjacent strings changes it")
    func unambiguous() {
        var first = CanonicalEncoder()
        first.append("ab")
        first.append("c")
        var second = CanonicalEncoder()
        second.append("a")
        second.append("bc")
        #expect(first.bytes != second.bytes)
        var absent = CanonicalEncoder()
        absent.append(String?.none)
        var empty = CanonicalEncoder()
        empty.append(String?.some(""))
        #expect(absent.bytes != empty.bytes)
    }

    @Test("derived tables rebuilt from the encoded parts give the same behaviour")
    func rebuiltTables() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("L")
        ledger.genpass("M")
        ledger.webhook(.initiateTeam, "L", parameters: ["teamId": "3"])
        ledger.record(.teamMemberAdded(TeamMemberAdded(programID: "3", leaderContactID: "L", contactID: "M")))
        ledger.webhook(.createCoupon, "M", parameters: ["promoId": "5"])
        var rebuilt = ledger.state
        rebuilt.rebuildDerivedTables()
        let next = Event(
            seq: ledger.state.lastSeq + 1, recordedAt: ledger.now.adding(days: 5),
            payload: .webhookReceived(
                WebhookReceived(
                    command: WebhookCommand(
                        .removeTeam, contact: ContactData(contactID: "M"), parameters: ["teamId": "3"]))))
        let original = ledger.state.applying(next)
        let fromRebuilt = rebuilt.applying(next)
        #expect(original.outcome == fromRebuilt.outcome)
        #expect(original.state.digest == fromRebuilt.state.digest)
    }
}

@Suite("Canonical decoding")
struct CanonicalDecodingTests {
    @Test("every fixture state at every seq decodes back to itself")
    func roundTrip() throws {
        for scenario in try ScenarioFile.all(in: ScenarioFile.fixturesFolder()) {
            var state = LedgerState()
            for event in scenario.events {
                state.apply(event)
                let decoded = try LedgerState(canonicalBytes: state.canonicalBytes)
                #expect(decoded == state, "\(scenario.name) seq \(event.seq)")
                #expect(decoded.digest == state.digest)
            }
        }
    }

    @Test("truncated or altered bytes are refused, never misread")
    func damaged() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42", tags: ["a"])
        let bytes = ledger.state.canonicalBytes
        for cut in stride(from: 0, to: bytes.count, by: 3) {
            #expect(throws: CanonicalDecoder.Failure.self) { try LedgerState(canonicalBytes: Array(bytes[..<cut])) }
        }
        #expect(throws: CanonicalDecoder.Failure.self) { try LedgerState(canonicalBytes: bytes + [0]) }
    }

    @Test("non-ASCII text round-trips; bytes that are not UTF-8 are refused where they are")
    func text() throws {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42", tags: ["é", "e\u{301}", "Zoë"], fields: ["ñame": "ü"])
        let bytes = ledger.state.canonicalBytes
        let decoded = try LedgerState(canonicalBytes: bytes)
        #expect(decoded == ledger.state)
        #expect(decoded.member("42")?.tags.count == 3)
        // Turn the "ë" of "Zoë" (C3 AB) into a lone continuation byte.
        let zoe = Array("Zo\u{EB}".utf8)
        let at = try #require(bytes.indices.first { bytes[$0...].starts(with: zoe) })
        var broken = bytes
        broken[at + 2] = 0xFF
        #expect(throws: CanonicalDecoder.Failure.self) { try LedgerState(canonicalBytes: broken) }
    }
}
