import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// The built server connected (with `memberledger crm connect`) to a fake CRM on loopback that keeps real
/// state and speaks that CRM's API: the tests assert the CRM's final state, not the calls made.
@Suite("CRM connectors end to end", .serialized)
struct CRMEndToEndTests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"
    /// The handshake the servers run with, for admin verbs that talk to them.
    static let environment = ["MEMBERLEDGER_HANDSHAKE": handshake]

    /// How each CRM names what the tests use.
    struct Account: Sendable, CustomStringConvertible {
        let kind: CRMKind
        let contactID: String
        let passwordField: String
        let cityField: String
        var description: String { kind.rawValue }

        static let all = [
            Account(kind: .activeCampaign, contactID: "42", passwordField: "7", cityField: "3"),
            Account(kind: .keap, contactID: "42", passwordField: "6", cityField: "8"),
            Account(kind: .ontraport, contactID: "42", passwordField: "f1234", cityField: "f2000"),
            Account(kind: .kit, contactID: "42", passwordField: "site_login", cityField: "city"),
            Account(kind: .drip, contactID: "z1tog42", passwordField: "site_login", cityField: "city"),
        ]

        static func of(_ kind: CRMKind) -> Account { all.first { $0.kind == kind }! }
    }

    /// A site with a server connected to a fake CRM.
    final class Site {
        let temp = TemporaryFolder("memberledger-crm")
        let account: Account
        let fake: FakeCRM
        var server: ServerProcess?
        var data: String { temp.appending("data") }

        init(_ account: Account, passwordField: Bool = true, start: Bool = true) throws {
            self.account = account
            fake = try FakeCRM(account.kind, pageSize: 2)
            let keyFile = temp.appending("crm.key")
            try fake.key.write(toFile: keyFile, atomically: true, encoding: .utf8)
            var connect = [
                "crm", "connect", account.kind.rawValue, "--base-url", fake.baseURL, "--key-file", keyFile, "--data",
                data,
                "--account", "9999999", "--app-id", "fake-app",
            ]
            if passwordField { connect += ["--password-field", account.passwordField] }
            let run = try BuiltProduct.run("memberledger", connect, in: temp.path)
            #expect(run.status == 0, "crm connect: \(run.error)")
            #expect(!run.output.contains(fake.key) && !run.error.contains(fake.key))
            if start { try self.start() }
        }

        func start() throws {
            let catalog = temp.appending("catalog.json")
            try Catalog.sampleJSON.write(toFile: catalog, atomically: true, encoding: .utf8)
            server = try ServerProcess(
                data: data, handshake: CRMEndToEndTests.handshake,
                arguments: ["--catalog", catalog, "--retry-delay", "0.05"], logPath: temp.appending("access.log"))
        }

        /// Sends a webhook command with a form body and returns its answer.
        func webhook(_ command: String, _ parameters: String = "", body: String) throws -> PythonClient.Response {
            let target = "/?aal_\(command)=\(CRMEndToEndTests.handshake)\(parameters)"
            let request = PythonClient.request(
                "POST", target, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: body)
            return try PythonClient.send([request], port: server!.port)[0]
        }

        func event(_ json: String) throws -> PythonClient.Response {
            try PythonClient.send(
                [
                    PythonClient.request(
                        "POST", "/events",
                        headers: [
                            ("Authorization", "Bearer \(CRMEndToEndTests.handshake)"),
                            ("Content-Type", "application/json"),
                        ], body: json)
                ], port: server!.port)[0]
        }

        /// The ledger's state as the journal holds it (read without the writer's lock).
        func state() throws -> LedgerState {
            try LedgerReplay(folder: DataFolder(path: data)).state().state
        }

        /// Waits until the outbox is empty: everything delivered or pulled.
        func outboxDrained(within seconds: Double = 30) -> Bool {
            waitUntil(within: seconds) { (try? state().crm.items.isEmpty) == true }
        }

        /// Every file's bytes under the data folder, as `grep -r` would read them.
        func dataFolderHolds(_ text: String) -> Bool {
            let enumerator = FileManager.default.enumerator(atPath: data)
            while let name = enumerator?.nextObject() as? String {
                if let bytes = FileManager.default.contents(atPath: "\(data)/\(name)"),
                    ByteSearch.contains(Array(bytes), Array(text.utf8))
                {
                    return true
                }
            }
            return false
        }
    }

    static func json(_ response: PythonClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
    }

    @Test(
        "genpass: the CRM's password field gets the answer's password, the member the CRM's tags and fields",
        arguments: Account.all)
    func genpassWritesPasswordAndPulls(_ account: Account) throws {
        let site = try Site(account)
        site.fake.addContact(
            .init(
                id: account.contactID, email: "ada@example.com", firstName: "Ada", tags: ["Trial", "VIP", "Webinar"],
                fields: [account.cityField: "Paris"]))
        let answer = try site.webhook("genpass", body: "contactId=\(account.contactID)&Email=ada%40example.com")
        #expect(answer.status == 200, "\(answer.body)")
        let reply = Self.json(answer)
        #expect(reply["pull"] as? String == "queued")
        let password = try #require(reply["password"] as? String)
        #expect(site.outboxDrained(), "outbox: \(String(describing: try? site.state().crm.sortedItems))")
        #expect(site.fake.contact(account.contactID)?.fields[account.passwordField] == password)
        let member = try #require(try site.state().member(account.contactID))
        let hash = try #require(member.passwordHash.flatMap(DjangoPasswordHash.init(encoded:)))
        #expect(hash.verify(password))
        #expect(member.sortedTags == ["Trial", "VIP", "Webinar"])
        #expect(member.fields[account.cityField] == "Paris")
        #expect(member.fields[account.passwordField] == nil)
        // The CRM echoes its field in later webhooks: the value is not kept either.
        // The alphabet holds `%`, `+`, `=` and `#`: a real CRM form-encodes the value, so the test does too.
        let encoded = try #require(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let echo = try site.webhook(
            "updateuser",
            body: "contactId=\(account.contactID)&\(account.passwordField)=\(encoded)&Email=ada%40example.com")
        #expect(echo.status == 200, "\(echo.body)")
        #expect(site.outboxDrained())
        // Delivered: no copy of the password anywhere in the data folder (journal, snapshots, spool).
        #expect(!site.dataFolderHolds(password))
        #expect(!site.dataFolderHolds(site.fake.key) || FileManager.default.fileExists(atPath: "\(site.data)/crm.key"))
        #expect(!site.server!.log.contains(password) && !site.server!.log.contains(site.fake.key))
    }

    @Test(
        "updateuser with only the contact id (Keap, Ontraport): the member gets the CRM's tags and fields",
        arguments: [CRMKind.keap, .ontraport])
    func idOnlyUpdateUserPulls(_ kind: CRMKind) throws {
        let account = Account.of(kind)
        let site = try Site(account)
        site.fake.addContact(.init(id: "42", email: "ada@example.com", tags: ["Trial"]))
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        #expect(site.outboxDrained())
        var contact = try #require(site.fake.contact("42"))
        contact.tags = ["Gold Member", "Trial"]
        contact.fields[account.cityField] = "Lyon"
        site.fake.addContact(contact)
        let answer = try site.webhook("updateuser", body: "contactId=42")
        #expect(Self.json(answer)["pull"] as? String == "queued", "\(answer.body)")
        #expect(site.outboxDrained())
        let member = try #require(try site.state().member("42"))
        #expect(member.sortedTags == ["Gold Member", "Trial"])
        #expect(member.fields[account.cityField] == "Lyon")
    }

    @Test("createcoupon: the code lands in the promo's field in the CRM")
    func couponWrittenBack() throws {
        let site = try Site(.of(.kit))
        site.fake.addContact(.init(id: "42", email: "ada@example.com"))
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        let answer = try site.webhook("createcoupon", "&promoId=5", body: "contactId=42")
        let code = try #require(Self.json(answer)["coupon"] as? String, "\(answer.body)")
        #expect(site.outboxDrained())
        #expect(site.fake.contact("42")?.fields["comeback_coupon"] == code)
        // The read API tells which event delivered the coupon's write, and that nothing waits for 42.
        let token = try String(contentsOfFile: "\(site.data)/admin-token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func get(_ target: String) throws -> [String: Any] {
            let request = PythonClient.request("GET", target, headers: [("Authorization", "Bearer \(token)")])
            return Self.json(try PythonClient.send([request], port: site.server!.port)[0])
        }
        let seq = try #require(Self.json(answer)["seq"] as? Int)
        #expect(
            waitUntil {
                let attempts =
                    ((try? get("/api/events/\(seq)"))?["crm"] as? [String: Any])?["attempts"] as? [[String: Any]]
                return attempts?.contains { $0["type"] as? String == "crm.delivered" } == true
            })
        let crm = try get("/api/crm?contact=42")
        #expect(crm["connected"] as? Bool == true && crm["crm"] as? String == "kit")
        #expect(((crm["contact"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
    }

    @Test("a paid order's access tag and then a revoke tag reach the CRM; a tag missing there is created first")
    func revokeTagsWrittenBack() throws {
        let site = try Site(.of(.activeCampaign))
        site.fake.addContact(.init(id: "42", email: "ada@example.com"))
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        let order = try site.event(
            #"{"type":"order.completed","contactId":"42","productId":"11","gateway":"stripe","amount":4900,"currency":"USD"}"#
        )
        #expect(order.status == 200, "\(order.body)")
        #expect(site.outboxDrained())
        #expect(site.fake.contact("42")?.tags == ["Gold"])
        #expect(try site.webhook("revokesubscription", "&productId=11", body: "contactId=42").status == 200)
        #expect(site.outboxDrained())
        // Revoking applies the product's revoke tags; the access tag stays, as in AccessAlly.
        #expect(site.fake.contact("42")?.tags == ["Gold", "Gold Revoked"])
        #expect(site.fake.tagNames().contains("Gold Revoked"))
    }

    @Test("+50 points whose first delivery fails: the CRM ends at the ledger's value, never counted twice")
    func pointsRetriedAbsolute() throws {
        let site = try Site(.of(.drip))
        site.fake.addContact(.init(id: "z1tog42", email: "ada@example.com", fields: ["member_points": "5"]))
        #expect(try site.webhook("genpass", body: "id=z1tog42&email=ada%40example.com").status == 200)
        #expect(site.outboxDrained())
        #expect(try site.state().member("z1tog42")?.fields["member_points"] == "5")
        site.fake.failNext(1, status: 500)
        #expect(try site.webhook("fieldop", "&operationId=7", body: "id=z1tog42").status == 200)
        #expect(site.outboxDrained())
        #expect(site.fake.contact("z1tog42")?.fields["member_points"] == "55")
        #expect(try site.state().member("z1tog42")?.fields["member_points"] == "55")
        let journal = try String(contentsOfFile: "\(site.data)/journal.jsonl", encoding: .utf8)
        #expect(journal.contains(#""type":"crm.deliveryFailed""#) && journal.contains(#""status":500"#))
    }

    @Test("a 429 with Retry-After, then success: delivered after the wait, the failure on record")
    func rateLimitedThenDelivered() throws {
        let site = try Site(.of(.keap))
        site.fake.addContact(.init(id: "42", email: "ada@example.com"))
        site.fake.failNext(1, status: 429, retryAfter: "1")
        let answer = try site.webhook("genpass", body: "contactId=42")
        let password = try #require(Self.json(answer)["password"] as? String)
        #expect(site.outboxDrained())
        #expect(site.fake.contact("42")?.fields["6"] == password)
        var failures = 0
        try JournalReader(folder: DataFolder(path: site.data)).forEachEvent(verify: true) { event, _, _ in
            if case .crmDeliveryFailed(let attempt) = event.payload, attempt.status == 429 { failures += 1 }
            return true
        }
        #expect(failures == 1)
        // The Webhooks Log and the contact's history show what reached the CRM, and what did not.
        let log = try BuiltProduct.run(
            "memberledger", ["log", "--contact", "42", "--json", "--data", site.data], in: site.temp.path)
        #expect(log.output.contains(#""type":"crm.deliveryFailed""#) && log.output.contains(#""type":"crm.delivered""#))
        let history = try BuiltProduct.run("memberledger", ["history", "42", "--data", site.data], in: site.temp.path)
        #expect(
            history.output.contains("HTTP 429") && history.output.contains("delivered to CRM 42"), "\(history.output)")
    }

    @Test("500s for a while, then success: every item delivered once the CRM recovers")
    func serverErrorsThenDelivered() throws {
        let site = try Site(.of(.activeCampaign))
        site.fake.addContact(.init(id: "42", email: "ada@example.com", tags: ["Trial"]))
        site.fake.failNext(2, status: 502)
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        #expect(site.outboxDrained())
        #expect(try site.state().member("42")?.sortedTags == ["Trial"])
        site.fake.failNext(4, status: 502)
        #expect(try site.webhook("fieldop", "&operationId=8", body: "contactId=42").status == 200)
        #expect(site.outboxDrained())
        let contact = try #require(site.fake.contact("42"))
        #expect(contact.tags == ["Gold"])
        #expect(contact.fields["level"] == "gold")
    }

    @Test("kill -9 with 100 items pending: all delivered after the restart, no password lost")
    func crashLosesNothing() throws {
        let site = try Site(.of(.keap))
        for index in 0..<50 { site.fake.addContact(.init(id: String(100 + index), email: "m\(index)@example.com")) }
        site.fake.setDown(true)
        var passwords: [String: String] = [:]
        for index in 0..<50 {
            let id = String(100 + index)
            let answer = try site.webhook("genpass", body: "contactId=\(id)")
            passwords[id] = try #require(Self.json(answer)["password"] as? String, "\(answer.body)")
        }
        #expect(try site.state().crm.items.count == 100)
        site.server!.kill()
        site.fake.setDown(false)
        try site.start()
        #expect(site.outboxDrained(within: 60))
        for (id, password) in passwords { #expect(site.fake.contact(id)?.fields["6"] == password) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(site.data)/secrets").isEmpty)
    }

    @Test("a CRM down for the whole test never touches ingest: every webhook answered, items kept")
    func downCRMDoesNotSlowIngest() throws {
        let site = try Site(.of(.activeCampaign))
        site.fake.addContact(.init(id: "42", email: "ada@example.com"))
        site.fake.stop()
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        let requests = (0..<200).map { index in
            PythonClient.request(
                "POST", "/?aal_updateuser=\(Self.handshake)",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "contactId=42&Email=ada\(index)%40example.com")
        }
        let started = Date()
        let answers = try PythonClient.send(requests, port: site.server!.port)
        let seconds = Date().timeIntervalSince(started)
        #expect(answers.allSatisfy { $0.status == 200 })
        print("ingest with the CRM down: 200 webhooks in \(String(format: "%.2f", seconds)) s")
        let state = try site.state()
        #expect(state.crm.items.count >= 2)
        let health = try PythonClient.send([PythonClient.request("GET", "/healthz")], port: site.server!.port)[0]
        #expect(health.body.contains(#""crm":{"crm":"activecampaign""#), "\(health.body)")
        #expect(site.server!.isRunning)
    }

    @Test("a 4xx dead-letters its item; `outbox retry --all` and `password reset` go through the running server")
    func deadLetterRetryAndPasswordReset() throws {
        let site = try Site(.of(.keap))
        site.fake.addContact(.init(id: "42", email: "ada@example.com"))
        site.fake.failNext(1, status: 400, body: #"{"message":"Invalid custom field"}"#)
        #expect(try site.webhook("genpass", body: "contactId=42").status == 200)
        #expect(
            waitUntil { (try? site.state().crm.dead.count) == 1 && (try? site.state().crm.pending.isEmpty) == true })
        let listed = try BuiltProduct.run(
            "memberledger", ["outbox", "--dead", "--json", "--data", site.data], in: site.temp.path)
        #expect(listed.output.contains(#""status":"dead""#) && listed.output.contains("Invalid custom field"))
        let retried = try BuiltProduct.run(
            "memberledger", ["outbox", "retry", "--all", "--data", site.data], in: site.temp.path,
            environment: Self.environment)
        #expect(retried.status == 0, "\(retried.error) \(retried.output)")
        #expect(site.outboxDrained())
        let first = try #require(site.fake.contact("42")?.fields["6"])
        let reset = try BuiltProduct.run(
            "memberledger", ["password", "reset", "42", "--data", site.data], in: site.temp.path,
            environment: Self.environment)
        #expect(reset.status == 0, "\(reset.error)")
        #expect(site.outboxDrained())
        let second = try #require(site.fake.contact("42")?.fields["6"])
        #expect(second != first)
        let hash = try #require(try site.state().member("42")?.passwordHash.flatMap(DjangoPasswordHash.init(encoded:)))
        #expect(hash.verify(second))
        #expect(!site.dataFolderHolds(second))
    }

    @Test("crm kit-webhook registers a tag_add webhook for a command's URL, lists it without the handshake, removes it")
    func kitWebhooks() throws {
        let site = try Site(.of(.kit), start: false)
        func run(_ words: [String]) throws -> BuiltProduct.Run {
            try BuiltProduct.run(
                "memberledger", ["crm", "kit-webhook"] + words + ["--data", site.data], in: site.temp.path,
                environment: Self.environment)
        }
        let made = try run(["updateuser", "--tag", "Gold Member", "--url", "https://site.example/"])
        #expect(made.status == 0, "\(made.error)")
        let webhook = try #require(site.fake.kitWebhooks.first)
        #expect(webhook.event == "subscriber.tag_add")
        #expect(webhook.targetURL == "https://site.example/?aal_updateuser=\(Self.handshake)")
        #expect(site.fake.tagNames().contains("Gold Member"))
        let listed = try run(["--json"])
        #expect(listed.output.contains(#""command":"aal_updateuser""#) && !listed.output.contains(Self.handshake))
        #expect(try run(["--remove", webhook.id]).status == 0)
        #expect(site.fake.kitWebhooks.isEmpty)
    }

    @Test("crm status shows the connection without the key; connect refuses a bad key in the CRM's words")
    func connectAndStatus() throws {
        let site = try Site(.of(.keap), start: false)
        let status = try BuiltProduct.run("memberledger", ["crm", "status", "--data", site.data], in: site.temp.path)
        #expect(status.status == 0)
        #expect(status.output.contains("Keap") && !status.output.contains(site.fake.key))
        let badKey = site.temp.appending("bad.key")
        try "wrong-key".write(toFile: badKey, atomically: true, encoding: .utf8)
        let refused = try BuiltProduct.run(
            "memberledger",
            ["crm", "connect", "keap", "--base-url", site.fake.baseURL, "--key-file", badKey, "--data", site.data],
            in: site.temp.path)
        #expect(refused.status == 1)
        #expect(refused.error.contains("401"), "\(refused.error)")
        #expect(!refused.error.contains("wrong-key"))
        let keyMode =
            try FileManager.default.attributesOfItem(atPath: "\(site.data)/crm.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
    }
}
