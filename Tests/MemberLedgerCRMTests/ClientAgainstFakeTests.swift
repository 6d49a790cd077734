import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerTesting
import Testing

/// Each client over the production transport (URLSession on loopback) against a fake of its CRM that
/// keeps real state and pages every list two items at a time, checked by what the account holds at the
/// end rather than by the calls made.
@Suite("Clients against the fake CRMs, over URLSession")
struct ClientAgainstFakeTests {
    /// The custom field each CRM's test writes, by that CRM's field key.
    private static func field(_ kind: CRMKind) -> String {
        switch kind {
        case .activeCampaign: "2"
        case .keap: "6"
        case .ontraport: "f1234"
        case .kit: "coupon_code"
        case .drip: "coupon"
        }
    }

    /// Drip's subscriber ids are opaque strings; the others' are numbers.
    private static func contactID(_ kind: CRMKind) -> String {
        kind == .drip ? "z1togz2hcjrkpp5treip" : "42"
    }

    private static func client(_ fake: FakeCRM, key: String? = nil) -> any CRMClient {
        let connection = CRMConnection(kind: fake.kind, baseURL: fake.baseURL, account: "9999999", appID: "fake-app")
        return CRMClients.make(connection, key: key ?? fake.key, transport: URLSessionTransport(timeout: 5))
    }

    @Test("verify, pull every page, apply and remove tags, set a field", arguments: CRMKind.allCases)
    func roundTrip(kind: CRMKind) throws {
        let fake = try FakeCRM(kind, key: "fake-key-\(kind.rawValue)", appID: "fake-app", pageSize: 2)
        // Names the substring searches also find, so an exact match has to be picked out of several pages.
        for name in ["Gold Plus", "Old Gold", "Golden"] { fake.defineTag(name) }
        let id = Self.contactID(kind)
        let field = Self.field(kind)
        fake.addContact(
            FakeCRM.Contact(
                id: id, email: "ada@example.com", firstName: "Ada", lastName: "Lovelace",
                tags: ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"], fields: [field: "before"]))
        let client = Self.client(fake)

        let description = try client.verify()
        #expect(!description.isEmpty && !description.contains(fake.key))

        let pulled = try client.pull(id)
        #expect(pulled.contactID == id)
        #expect(pulled.email == "ada@example.com")
        #expect(pulled.firstName == "Ada")
        #expect(pulled.lastName == "Lovelace")
        #expect(pulled.tags?.sorted() == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"])
        #expect(pulled.fields[field] == "before")

        // The ledger knows the contact by id only: Drip's client has to find the email itself.
        let contact = CRMContact(id: id)
        try client.applyTag("Gold", to: contact)
        try client.applyTag("Gold", to: contact)  // idempotent
        try client.applyTag("Alpha", to: contact)  // already there
        try client.removeTag("Beta", from: contact)
        try client.removeTag("Beta", from: contact)  // already removed
        try client.removeTag("Never Defined", from: contact)  // a tag the account never had is removed
        try client.setField(field, to: "after", of: contact)

        let held = try #require(fake.contact(id))
        #expect(held.tags == ["Alpha", "Delta", "Epsilon", "Gamma", "Gold"])
        #expect(held.fields[field] == "after")
        #expect(held.email == "ada@example.com")
        // Found, not created again: the exact name was picked out of the substring matches.
        #expect(fake.tagNames().filter { $0 == "Gold" }.count == 1)
        #expect(fake.tagNames().filter { $0 == "Gold Plus" }.count == 1)

        let again = try client.pull(id)
        #expect(again.tags?.sorted() == held.tags)
        #expect(again.fields[field] == "after")
    }

    @Test("a wrong key is the CRM's refusal, and the key is in no error", arguments: CRMKind.allCases)
    func wrongKey(kind: CRMKind) throws {
        let fake = try FakeCRM(kind, key: "right-key-\(kind.rawValue)", appID: "fake-app")
        let wrong = "wrong-key-0123456789"
        let error = #expect(throws: CRMError.self) { try Self.client(fake, key: wrong).verify() }
        #expect(error?.status == 401 || error?.status == 403)
        #expect(error?.isRetryable == false)
        #expect(error.map { !"\($0)".contains(wrong) } == true)
    }

    @Test("faults come back as the errors the worker acts on", arguments: CRMKind.allCases)
    func faults(kind: CRMKind) throws {
        let fake = try FakeCRM(kind, appID: "fake-app")
        let client = Self.client(fake)
        fake.failNext(1, status: 429, retryAfter: "12")
        let limited = #expect(throws: CRMError.self) { try client.verify() }
        guard case .rejected(429, let message, 12)? = limited else {
            Issue.record("expected a 429 with Retry-After 12, got \(String(describing: limited))")
            return
        }
        #expect(!message.isEmpty)
        fake.garbleNext(1)
        let garbled = #expect(throws: CRMError.self) { try client.verify() }
        guard case .malformedResponse? = garbled else {
            Issue.record("expected malformedResponse, got \(String(describing: garbled))")
            return
        }
        fake.stop()
        let down = #expect(throws: CRMError.self) { try client.verify() }
        guard case .unreachable? = down else {
            Issue.record("expected unreachable, got \(String(describing: down))")
            return
        }
    }

    @Test("Kit: a webhook registered for a new tag, listed over pages, and removed")
    func kitWebhooks() throws {
        let fake = try FakeCRM(.kit, pageSize: 2)
        for name in ["A", "B", "C"] { fake.defineTag(name) }
        let connection = CRMConnection(kind: .kit, baseURL: fake.baseURL)
        let kit = KitClient(connection: connection, key: fake.key, transport: URLSessionTransport(timeout: 5))
        var registered: [KitWebhook] = []
        for tag in ["Gold", "A", "Silver"] {
            registered.append(
                try kit.registerWebhook(targetURL: "https://ledger.test/hooks/kit?t=\(tag)", tagName: tag))
        }
        #expect(registered.allSatisfy { $0.eventName == KitClient.tagAddEvent && $0.tagID != nil })
        #expect(try kit.webhooks() == registered)
        #expect(fake.tagNames() == ["A", "B", "C", "Gold", "Silver"])
        #expect(fake.kitWebhooks.map(\.targetURL) == registered.map(\.targetURL))
        try kit.removeWebhook(id: registered[1].id)
        try kit.removeWebhook(id: registered[1].id)  // already gone
        #expect(fake.kitWebhooks.map(\.id) == [registered[0].id, registered[2].id])
    }
}
