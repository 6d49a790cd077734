import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("CRM link and outbox: what is queued, delivered, retried and protected")
struct CRMRuleTests {
    static let link = CRMLink(kind: .keap, baseURL: "https://api.infusionsoft.com", passwordField: "7")

    /// A ledger on the sample catalog, linked to Keap with a password field.
    static func linked() -> Scenario {
        var ledger = Scenario(catalog: .sample)
        ledger.record(.crmConnected(link))
        return ledger
    }

    static func actions(_ ledger: Scenario) -> [OutboxItem.Action] {
        ledger.state.crm.sortedItems.map(\.action)
    }

    @Test("without a link nothing is queued, and the state encodes exactly as before links existed")
    func noLinkNoOutbox() {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("42", tags: ["Trial"])
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
        #expect(ledger.state.crm.items.isEmpty)
        #expect(ledger.lastOutcome.queued.isEmpty)
        #expect(ledger.state.crm.isPristineForTesting)
    }

    @Test("a genpass queues the password for the field and a pull; the answer says the pull is queued")
    func genpassQueuesPasswordAndPull() throws {
        var ledger = Self.linked()
        let outcome = ledger.genpass("42", email: "ada@example.com")
        #expect(
            Self.actions(ledger) == [
                .password(field: "7", hash: Scenario.passwordHash(for: "42")), .pull,
            ])
        let answer = JSONWriter.string(outcome.json(seq: 2))
        #expect(answer.contains(#""pull":"queued""#))
        #expect(!answer.contains("password-42"))
    }

    @Test("without a password field a genpass queues only the pull")
    func noPasswordField() {
        var ledger = Scenario(catalog: .sample)
        ledger.record(.crmConnected(CRMLink(kind: .drip, baseURL: "https://api.getdrip.com", account: "1")))
        ledger.genpass("42")
        #expect(Self.actions(ledger) == [.pull])
    }

    @Test("an imported member's hash is not queued: its plaintext is known nowhere")
    func importQueuesNoPassword() {
        var ledger = Self.linked()
        ledger.record(
            .memberImported(MemberImported(contact: ContactData(contactID: "42"), passwordHash: "pbkdf2_sha256$1$s$h")))
        #expect(ledger.state.crm.items.isEmpty)
    }

    @Test("an updateuser with only the contact id (Keap, Ontraport) queues a pull of the contact")
    func idOnlyUpdateUserPulls() {
        var ledger = Self.linked()
        ledger.genpass("42")
        ledger.record(.crmDelivered(DeliveryAttempt(item: 1, attempt: 1, status: 200)))
        ledger.record(.crmDelivered(DeliveryAttempt(item: 2, attempt: 1, status: 200)))
        let outcome = ledger.webhook(.updateUser, "42")
        #expect(outcome.status == .unchanged)
        #expect(outcome.queued.map(\.action) == [.pull])
    }

    @Test("pulls of one contact queued together are one pull: one under way, at most one waiting")
    func pullsCoalesce() {
        var ledger = Self.linked()
        ledger.genpass("42")
        // The genpass's pull waits behind the password: later pulls join it.
        for _ in 0..<3 { ledger.webhook(.updateUser, "42") }
        #expect(Self.actions(ledger) == [.password(field: "7", hash: Scenario.passwordHash(for: "42")), .pull])
        // With the pull at the head (maybe under way), one more waits behind it, and the rest join that one.
        ledger.record(.crmDelivered(DeliveryAttempt(item: 1, attempt: 1, status: 200)))
        for _ in 0..<3 { ledger.webhook(.updateUser, "42") }
        #expect(Self.actions(ledger) == [.pull, .pull])
    }

    @Test("rule-made writes are queued with the ledger's resulting value; CRM-sent tags are never echoed")
    func ruleWritesQueued() {
        var ledger = Self.linked()
        ledger.genpass("42", tags: ["Trial"], fields: ["member_points": "5"])
        ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
        let queued = ledger.lastOutcome.queued.map(\.action)
        #expect(
            queued == [
                .applyTag("Gold"), .removeTag("Trial"), .setField(field: "level", value: "gold"),
                .setField(field: "member_points", value: "55"),
            ])
        #expect(!Self.actions(ledger).contains(.applyTag("Trial")))
    }

    @Test("a contact's items are attempted one at a time, in queue order; dead letters do not block")
    func headsInOrder() {
        var ledger = Self.linked()
        ledger.genpass("42")
        ledger.genpass("43")
        #expect(ledger.state.crm.heads.map(\.id) == [1, 3])
        ledger.record(.crmDeliveryFailed(DeliveryAttempt(item: 1, attempt: 1, status: 400, error: "bad field")))
        #expect(ledger.state.crm.heads.map(\.id) == [2, 3])
        #expect(ledger.state.crm.dead.map(\.id) == [1])
    }

    /// The heads as the rule states them, from the items alone.
    static func headsByRule(_ crm: CRMState) -> [Int64] {
        Dictionary(grouping: crm.pending, by: \.contactID).values.map { $0.map(\.id).min()! }.sorted()
    }

    @Test("the head index follows every queue, delivery, dead letter and retry, in any order", arguments: 1...20)
    func headIndexMatchesTheRule(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var ledger = Self.linked()
        for _ in 0..<60 {
            let ids = ledger.state.crm.sortedItems.map(\.id)
            switch Int.random(in: 0..<5, using: &random) {
            case 0, 1: ledger.genpass("\(Int.random(in: 1...6, using: &random))")
            case 2 where !ids.isEmpty:
                ledger.record(
                    .crmDelivered(DeliveryAttempt(item: ids.randomElement(using: &random)!, attempt: 1, status: 200)))
            case 3 where !ids.isEmpty:
                let status = [400, 503].randomElement(using: &random)!
                let retryAt = status == 503 ? ledger.now.adding(seconds: 30) : nil
                ledger.record(
                    .crmDeliveryFailed(
                        DeliveryAttempt(
                            item: ids.randomElement(using: &random)!, attempt: 1, status: status, error: "no",
                            retryAt: retryAt)))
            case 4: ledger.record(.outboxRetryRequested(OutboxRetry(all: true)))
            default: ledger.wait(hours: 1)
            }
            #expect(ledger.state.crm.heads.map(\.id) == Self.headsByRule(ledger.state.crm))
        }
        var rebuilt = ledger.state
        rebuilt.rebuildDerivedTables()
        #expect(rebuilt.crm.heads.map(\.id) == Self.headsByRule(ledger.state.crm))
    }

    @Test("due heads skip contacts under way and items not yet due, and say when the next is due")
    func dueHeadsSkipBusyAndLater() {
        var ledger = Self.linked()
        ledger.genpass("42")
        ledger.genpass("43")
        ledger.genpass("44")
        let later = ledger.now.adding(seconds: 30)
        ledger.record(.crmDeliveryFailed(DeliveryAttempt(item: 3, attempt: 1, status: 503, error: "x", retryAt: later)))
        let crm = ledger.state.crm
        let all = crm.dueHeads(at: ledger.now, limit: 10)
        #expect(all.due.map(\.id) == [1, 5] && all.nextDue == later)
        #expect(crm.dueHeads(at: ledger.now, limit: 10, excluding: ["42"]).due.map(\.id) == [5])
        #expect(crm.dueHeads(at: ledger.now, limit: 1).due.map(\.id) == [1])
        #expect(crm.dueHeads(at: later, limit: 10).due.map(\.id) == [1, 3, 5])
    }

    @Test("a failure with a retry time delays the item; the attempt count and the CRM's words are kept")
    func failureDelays() throws {
        var ledger = Self.linked()
        ledger.genpass("42")
        let later = ledger.now.adding(seconds: 30)
        let outcome = ledger.record(
            .crmDeliveryFailed(
                DeliveryAttempt(item: 1, attempt: 1, status: 503, error: "HTTP 503: down", retryAt: later)))
        let item = try #require(ledger.state.crm.items[1])
        #expect(item.dueAt == later && item.attempts == 1 && !item.dead && item.lastError == "HTTP 503: down")
        #expect(outcome.effects.first?.contactID == "42")
    }

    @Test("delivery removes the item; a report for an item no longer queued changes nothing")
    func deliveryRemoves() {
        var ledger = Self.linked()
        ledger.genpass("42")
        #expect(ledger.record(.crmDelivered(DeliveryAttempt(item: 1, attempt: 1, status: 200))).status == .applied)
        #expect(ledger.state.crm.items[1] == nil)
        let again = ledger.record(.crmDelivered(DeliveryAttempt(item: 1, attempt: 2, status: 200)))
        #expect(again.status == .unchanged)
        #expect(again.reason == .outboxItemNotQueued(id: 1))
    }

    @Test("a retry brings dead letters back with a fresh window; an unknown id refuses the whole request")
    func retry() throws {
        var ledger = Self.linked()
        ledger.genpass("42")
        ledger.record(.crmDeliveryFailed(DeliveryAttempt(item: 1, attempt: 1, status: 422, error: "no such field")))
        ledger.wait(hours: 2)
        #expect(ledger.record(.outboxRetryRequested(OutboxRetry(items: [1, 99]))).status == .rejected)
        #expect(ledger.state.crm.items[1]?.dead == true)
        #expect(ledger.record(.outboxRetryRequested(OutboxRetry(all: true))).status == .applied)
        let item = try #require(ledger.state.crm.items[1])
        #expect(!item.dead && item.since == ledger.now && item.dueAt == ledger.now)
    }

    @Test("the site's unconfirmed tags win over a CRM full update; once confirmed, the CRM's list rules")
    func unconfirmedWritesWin() {
        var ledger = Self.linked()
        ledger.genpass("42", tags: ["Trial"])
        ledger.record(
            .orderCompleted(
                OrderCompleted(contactID: "42", productID: "11", gateway: .stripe, amount: 1, currency: "USD")))
        let gold = ledger.state.crm.sortedItems.first { $0.action == .applyTag("Gold") }!
        // ActiveCampaign's next updateuser still lists only what it had: Gold stays.
        ledger.webhook(.updateUser, "42", tags: ["Trial"])
        #expect(ledger.state.member("42")?.tags.contains("Gold") == true)
        ledger.record(.crmDelivered(DeliveryAttempt(item: gold.id, attempt: 1, status: 200)))
        ledger.webhook(.updateUser, "42", tags: ["Trial"])
        #expect(ledger.state.member("42")?.tags.contains("Gold") == false)
    }

    @Test("a pulled contact is a full update of the member, and its pull leaves the outbox")
    func pullApplies() throws {
        var ledger = Self.linked()
        ledger.genpass("42", tags: ["Trial"])
        let pull = try #require(ledger.state.crm.sortedItems.first { $0.action == .pull })
        let contact = ContactData(
            contactID: "42", email: "ada@example.com", firstName: "Ada", tags: ["VIP"], fields: ["city": "Paris"])
        ledger.record(.contactPulled(ContactPulled(item: pull.id, crm: .keap, contact: contact)))
        let member = try #require(ledger.state.member("42"))
        #expect(member.email == "ada@example.com" && member.firstName == "Ada")
        #expect(member.sortedTags == ["VIP"] && member.fields["city"] == "Paris")
        #expect(ledger.state.crm.items[pull.id] == nil)
    }

    @Test("disconnecting, or linking another CRM, drops what was queued for the old one")
    func unlinkDrops() {
        var ledger = Self.linked()
        ledger.genpass("42")
        let outcome = ledger.record(.crmConnected(CRMLink(kind: .kit, baseURL: "https://api.kit.com")))
        #expect(outcome.effects.first == .crmUnlinked(kind: .keap, dropped: 2))
        #expect(ledger.state.crm.items.isEmpty)
        ledger.genpass("43")
        ledger.record(.crmDisconnected(.kit))
        #expect(ledger.state.crm.items.isEmpty && ledger.state.crm.link == nil)
        ledger.genpass("44")
        #expect(ledger.state.crm.items.isEmpty)
    }

    @Test("a password reset sets the new hash and queues it; a destroyed spool drops the item")
    func passwordReset() throws {
        var ledger = Self.linked()
        ledger.genpass("42")
        ledger.record(.passwordReset(PasswordReset(contactID: "42", passwordHash: "pbkdf2_sha256$1$s$new")))
        #expect(ledger.state.member("42")?.passwordHash == "pbkdf2_sha256$1$s$new")
        let item = try #require(ledger.lastOutcome.queued.first)
        #expect(item.action == .password(field: "7", hash: "pbkdf2_sha256$1$s$new"))
        ledger.record(.passwordUndelivered(item: item.id))
        #expect(ledger.state.crm.items[item.id] == nil)
        #expect(ledger.lastOutcome.effects == [.passwordUndelivered(contactID: "42", item: item.id)])
        #expect(
            ledger.record(.passwordReset(PasswordReset(contactID: "nobody", passwordHash: "x"))).status == .rejected)
    }

    @Test("the link and outbox survive the canonical encoding, and every CRM event its JSON line")
    func roundTrips() throws {
        var ledger = Self.linked()
        ledger.genpass("42", tags: ["Trial"])
        ledger.record(
            .crmDeliveryFailed(DeliveryAttempt(item: 1, attempt: 1, status: 429, error: "slow", retryAt: ledger.now)))
        ledger.record(.crmDeliveryFailed(DeliveryAttempt(item: 2, attempt: 1, status: 404, error: "gone")))
        let decoded = try LedgerState(canonicalBytes: ledger.state.canonicalBytes)
        #expect(decoded == ledger.state)
        #expect(decoded.digest == ledger.state.digest)
        #expect(decoded.crm.heads == ledger.state.crm.heads)
        for event in ledger.events {
            #expect(try Event(jsonText: Array(event.jsonLine.utf8)) == event)
        }
    }
}

extension CRMState {
    /// Whether this part is left out of the canonical bytes (no link was ever recorded).
    var isPristineForTesting: Bool { link == nil && items.isEmpty && nextItemID == 1 }
}
