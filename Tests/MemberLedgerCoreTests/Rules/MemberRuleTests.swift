import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Members: genpass, updateuser, batchsync, import")
struct MemberRuleTests {
    @Test("genpass creates a new contact as a member with the event's password hash")
    func genpassCreates() {
        var ledger = Scenario()
        let outcome = ledger.genpass("42", email: "ada@example.com", firstName: "Ada", tags: ["Trial", "Lead"])
        #expect(outcome.status == .applied)
        #expect(
            ledger.state.member("42")
                == Member(
                    contactID: "42", email: "ada@example.com", firstName: "Ada", tags: ["Trial", "Lead"],
                    passwordHash: Scenario.passwordHash(for: "42"), joinedAt: Scenario.start))
        #expect(outcome.effects.prefix(2) == [.memberCreated(contactID: "42"), .passwordSet(contactID: "42")])
    }

    @Test("genpass on an existing member updates name, email, tags and fields but never the password")
    func genpassUpdatesWithoutPassword() throws {
        var ledger = Scenario()
        ledger.genpass("42", email: "ada@example.com", tags: ["Trial"], fields: ["city": "Oslo"])
        let created = try #require(ledger.state.member("42"))
        ledger.wait(minutes: 5)
        let outcome = ledger.webhook(
            WebhookCommand(
                .genpass,
                contact: ContactData(
                    contactID: "42", email: "ada@new.example", lastName: "Lovelace", tags: ["Gold"],
                    fields: ["plan": "gold"])),
            fingerprint: nil)
        let member = try #require(ledger.state.member("42"))
        #expect(outcome.status == .applied)
        #expect(member.passwordHash == created.passwordHash)
        #expect(member.email == "ada@new.example")
        #expect(member.lastName == "Lovelace")
        #expect(member.tags == ["Gold"])
        #expect(member.fields == ["city": "Oslo", "plan": "gold"])
        #expect(!outcome.effects.contains(.passwordSet(contactID: "42")))
    }

    @Test("genpass for a new contact without a generated hash is rejected, not a member without password")
    func genpassNeedsHash() {
        var ledger = Scenario()
        let command = WebhookCommand(.genpass, contact: ContactData(contactID: "42"))
        let outcome = ledger.record(.webhookReceived(WebhookReceived(command: command)))
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .missingPasswordHash(contactID: "42"))
        #expect(ledger.state.members.isEmpty)
    }

    @Test("updateuser: a carried tag list becomes exactly the member's tags; fields merge; the rest stays")
    func updateUserReplacesTags() throws {
        var ledger = Scenario()
        ledger.genpass("42", email: "ada@example.com", tags: ["Trial", "Lead"], fields: ["a": "1", "b": "2"])
        let outcome = ledger.webhook(.updateUser, "42", tags: ["Gold", "Lead"], fields: ["b": "3", "c": "4"])
        let member = try #require(ledger.state.member("42"))
        #expect(outcome.status == .applied)
        #expect(member.tags == ["Gold", "Lead"])
        #expect(member.fields == ["a": "1", "b": "3", "c": "4"])
        #expect(member.email == "ada@example.com")
        #expect(member.passwordHash == Scenario.passwordHash(for: "42"))
        #expect(
            outcome.effects == [
                .tagRemoved(contactID: "42", tag: "Trial", origin: .crm),
                .tagApplied(contactID: "42", tag: "Gold", origin: .crm),
                .fieldSet(contactID: "42", field: "b", value: "3", origin: .crm),
                .fieldSet(contactID: "42", field: "c", value: "4", origin: .crm),
            ])
    }

    @Test("a carried tag list is matched by bytes: a canonically equivalent spelling replaces the old tag")
    func updateUserTagListByBytes() throws {
        var ledger = Scenario()
        ledger.genpass("42", tags: ["\u{E9}t\u{E9}", "Gold"])
        let outcome = ledger.webhook(.updateUser, "42", tags: ["e\u{301}te\u{301}", "Gold", "Gold"])
        let member = try #require(ledger.state.member("42"))
        // Two different tags to the tag set and the digest, so the list's spelling is the one kept.
        #expect(Array(member.tags) == ["Gold", "e\u{301}te\u{301}"])
        #expect(
            outcome.effects == [
                .tagRemoved(contactID: "42", tag: "\u{E9}t\u{E9}", origin: .crm),
                .tagApplied(contactID: "42", tag: "e\u{301}te\u{301}", origin: .crm),
            ])
    }

    @Test("updateuser without a tag list keeps the tags; an empty tag list clears them")
    func updateUserTagListPresence() throws {
        var ledger = Scenario()
        ledger.genpass("42", tags: ["Trial"])
        ledger.webhook(.updateUser, "42", fields: ["x": "1"])
        #expect(ledger.state.member("42")?.tags == ["Trial"])
        ledger.webhook(.updateUser, "42", tags: [])
        #expect(ledger.state.member("42")?.tags == [])
    }

    @Test("updateuser carrying only the contact id (Ontraport) is unchanged and says why")
    func updateUserIdOnly() {
        var ledger = Scenario()
        ledger.genpass("4821", tags: ["Trial"])
        let before = ledger.state.member("4821")
        let outcome = ledger.webhook(.updateUser, "4821")
        #expect(outcome.status == .unchanged)
        #expect(outcome.reason == .noContactData(contactID: "4821"))
        #expect(ledger.state.member("4821") == before)
    }

    @Test(
        "every command but genpass rejects an unknown contact and hints at aal_genpass",
        arguments: WebhookOperation.allCases.filter { $0 != .genpass && $0 != .batchSync })
    func unknownMemberRejected(operation: WebhookOperation) {
        var ledger = Scenario(catalog: .sample)
        let parameters = [
            "operationId": "7", "teamId": "3", "change": "1", "opId": "1", "promoId": "5", "productId": "11",
        ]
        let outcome = ledger.webhook(operation, "999", email: "x@example.com", parameters: parameters)
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .unknownMember(contactID: "999"))
        #expect(outcome.reason?.description.contains("aal_genpass") == true)
        #expect(ledger.state.members.isEmpty)
    }

    @Test("site events reject an unknown contact")
    func siteEventsRejectUnknown() {
        var ledger = Scenario(catalog: .sample)
        let payloads: [EventPayload] = [
            .orderCompleted(
                OrderCompleted(contactID: "9", productID: "11", gateway: .stripe, amount: 1, currency: "USD")),
            .paymentFailed(PaymentReported(contactID: "9", productID: "11", amount: 1)),
            .paymentSucceeded(PaymentReported(contactID: "9", productID: "11", amount: 1)),
            .teamMemberAdded(TeamMemberAdded(programID: "3", leaderContactID: "9", contactID: "9")),
            .couponRedeemed(CouponRedeemed(contactID: "9", code: "ABC")),
        ]
        for payload in payloads {
            #expect(ledger.record(payload).reason == .unknownMember(contactID: "9"), "\(payload.typeName)")
        }
    }

    @Test("import creates members (password optional) and never gives an existing member a new password")
    func importMembers() {
        var ledger = Scenario()
        ledger.record(.memberImported(MemberImported(contact: ContactData(contactID: "1", email: "a@x.io"))))
        #expect(ledger.state.member("1")?.passwordHash == nil)
        ledger.genpass("2")
        let outcome = ledger.record(
            .memberImported(
                MemberImported(
                    contact: ContactData(contactID: "2", tags: ["Imported"]), passwordHash: "pbkdf2_sha256$1$s$x")))
        #expect(outcome.status == .applied)
        #expect(ledger.state.member("2")?.passwordHash == Scenario.passwordHash(for: "2"))
        #expect(ledger.state.member("2")?.tags == ["Imported"])
    }

    @Test("batchsync syncs each contact as updateuser, reports each, and warns it is deprecated")
    func batchSync() {
        var ledger = Scenario()
        ledger.genpass("1", tags: ["A"])
        ledger.genpass("2", tags: ["B"])
        let command = WebhookCommand(
            operation: .batchSync,
            contacts: [
                ContactData(contactID: "1", tags: ["A", "C"]), ContactData(contactID: "404", tags: ["X"]),
                ContactData(contactID: "2"),
            ])
        let outcome = ledger.webhook(command)
        #expect(outcome.status == .applied)
        #expect(outcome.contactResults.map(\.status) == [.applied, .rejected, .unchanged])
        #expect(outcome.contactResults[1].reason == .unknownMember(contactID: "404"))
        #expect(outcome.warnings.contains { $0.contains("deprecated") })
        #expect(ledger.state.member("1")?.tags == ["A", "C"])
        #expect(ledger.state.member("404") == nil)
    }

    @Test("batchsync in which every contact is rejected is rejected")
    func batchSyncAllRejected() {
        var ledger = Scenario()
        let outcome = ledger.webhook(
            WebhookCommand(operation: .batchSync, contacts: [ContactData(contactID: "8", tags: [])]))
        #expect(outcome.status == .rejected)
        #expect(outcome.reason == .unknownMember(contactID: "8"))
    }
}
