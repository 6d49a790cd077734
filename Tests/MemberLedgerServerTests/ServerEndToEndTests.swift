import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// The built server, driven by Python's socket and http.client with every CRM fixture.
@Suite("Webhook server end to end", .serialized)
struct ServerEndToEndTests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"

    /// A running server with the sample catalog, in a temporary data folder.
    struct Running {
        let temp = TemporaryFolder("memberledger-server")
        let server: ServerProcess

        init() throws {
            let catalog = temp.appending("catalog.json")
            try Catalog.sampleJSON.write(toFile: catalog, atomically: true, encoding: .utf8)
            server = try ServerProcess(
                data: temp.appending("data"), handshake: ServerEndToEndTests.handshake,
                arguments: ["--catalog", catalog],
                logPath: temp.appending("access.log"))
        }

        func send(_ requests: [[UInt8]]) throws -> [PythonClient.Response] {
            try PythonClient.send(requests, port: server.port)
        }

        func send(fixture name: String) throws -> PythonClient.Response {
            try send([try HTTPFixture.named(name).wireBytes])[0]
        }

        func event(_ type: String, _ json: String, token: String = ServerEndToEndTests.handshake) throws
            -> PythonClient.Response
        {
            try send([
                PythonClient.request(
                    "POST", "/events",
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                    body: json)
            ])[0]
        }
    }

    static func json(_ response: PythonClient.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] ?? [:]
    }

    @Test("every fixture gets the documented answer; the journal and state agree; no secret leaks")
    func fixtures() throws {
        let running = try Running()
        var passwords: [String] = []

        func expect(
            _ name: String, _ status: Int, _ outcome: String?, sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> [String: Any] {
            let response = try running.send(fixture: name)
            #expect(response.status == status, "\(name): \(response.body)", sourceLocation: sourceLocation)
            // No answer (error messages included) ever quotes the handshake.
            #expect(!response.body.contains(Self.handshake), "\(name) answers with the handshake")
            let body = Self.json(response)
            if let outcome {
                #expect(
                    body["outcome"] as? String == outcome, "\(name): \(response.body)", sourceLocation: sourceLocation)
            }
            if let password = body["password"] as? String { passwords.append(password) }
            return body
        }

        let created = try expect("keap-genpass", 200, "applied")
        #expect((created["password"] as? String)?.count ?? 0 >= 16)
        #expect(created["seq"] as? Int == 2)  // seq 1 is the catalog
        #expect((try expect("activecampaign-genpass", 200, "applied"))["password"] != nil)
        let kit = try expect("kit-v4-delivery", 200, "applied")
        let kitAgain = try expect("kit-v4-delivery", 200, "duplicate")
        #expect(kitAgain["duplicateOf"] as? Int == kit["seq"] as? Int)
        #expect(kitAgain["password"] == nil)
        #expect((try expect("keap-legacy-all-fields", 200, "applied"))["password"] == nil)
        let unknown = try expect("ontraport-updateuser", 422, "rejected")
        #expect((unknown["reason"] as? String)?.contains("aal_genpass") == true)
        _ = try expect("generic-json", 422, "rejected")
        _ = try expect("activecampaign-tags-fields", 200, "applied")
        _ = try expect("kit-legacy-updateuser", 200, "applied")
        _ = try expect("drip-http-post", 422, "rejected")
        _ = try expect("ontraport-trailing-newline", 422, "rejected")
        let points = try expect("fieldop-operation", 200, "applied")
        #expect((points["effects"] as? [[String: Any]])?.first?["value"] as? String == "50")
        _ = try expect("fieldop-operation", 200, "duplicate")
        _ = try expect("initiateteam", 200, "applied")
        let seats = try expect("updateteam", 200, "applied")
        #expect((seats["effects"] as? [[String: Any]])?.first?["to"] as? Int == 10)
        let coupon = try expect("createcoupon", 200, "applied")
        #expect((coupon["coupon"] as? String)?.count == 10)
        _ = try expect("cancelsubscription", 422, "rejected")
        let order = try running.event(
            "order.completed",
            #"{"type":"order.completed","contactId":"12345","productId":"11","gateway":"stripe","amount":4900,"currency":"USD","occurredAt":"2026-03-02T08:59:58Z"}"#
        )
        #expect(order.status == 200)
        _ = try expect("cancelsubscription", 200, "applied")
        _ = try expect("revokesubscription", 200, "applied")
        let batch = try expect("batchsync-list", 200, nil)
        #expect((batch["warnings"] as? [String])?.first?.contains("deprecated") == true)
        _ = try expect("query-only-get", 200, "unchanged")
        for name in ["auth-wrong-handshake", "auth-missing-handshake", "auth-handshake-in-body"] {
            _ = try expect(name, 401, nil)
        }
        for name in ["unknown-command", "two-commands", "ontraport-merge-field", "keap-merge-field"] {
            let refused = try expect(name, 400, nil)
            #expect((refused["error"] as? String)?.isEmpty == false, "\(name)")
        }
        _ = try expect("mailchimp-validator-get", 404, nil)
        #expect(try running.event("x", #"{"type":"order.completed"}"#, token: "nope").status == 401)
        #expect(try running.event("x", #"{"type":"order.completed","contactId":"1"}"#).status == 400)
        #expect(try running.event("x", #"{"type":"catalog.updated","catalog":{"promos":[{"id":"1"}]}}"#).status == 400)

        // Every fixture, in one pass: each gets a documented answer and never a server error.
        let all = try HTTPFixture.all()
        let answers = try running.send(all.map(\.wireBytes))
        for (fixture, answer) in zip(all, answers) {
            #expect(
                [200, 400, 401, 404, 422].contains(answer.status), "\(fixture.name): \(answer.status) \(answer.body)")
            #expect(
                Self.json(answer)["outcome"] != nil || Self.json(answer)["error"] != nil
                    || Self.json(answer)["results"] != nil)
        }
        #expect(answers.count == all.count)

        let health = try running.send([PythonClient.request("GET", "/healthz")])[0]
        #expect(health.status == 200)
        let head = Self.json(health)["seq"] as? Int ?? 0
        let metrics = try running.send([PythonClient.request("GET", "/metrics")])[0]
        #expect(metrics.body.contains(#"memberledger_requests_total{command="aal_genpass",status="200"}"#))
        #expect(metrics.body.contains("memberledger_unauthorized_total 7"))
        #expect(try running.send([PythonClient.request("DELETE", "/?aal_genpass=H4ndSh4k3H4ndSh4k3")])[0].status == 405)
        #expect(try running.send([PythonClient.request("GET", "/nope")])[0].status == 404)

        #expect(running.server.stop() == 0)
        let farewell = running.server.remainingOutput()
        #expect(farewell.contains("shutting down"))
        #expect(farewell.contains("snapshot written"))
        #expect(farewell.contains("stopped at seq \(head)"))
        // The journal holds every answered event, intact; replay gives the state the answers described.
        let folder = DataFolder(path: running.server.dataFolder)
        let scan = try JournalReader(folder: folder).verify()
        #expect(scan.damage == nil)
        #expect(scan.head.seq == Int64(head))
        let state = try LedgerReplay(folder: folder).state().state
        #expect(state.member("1358")?.tags == ["month", "free_forever", "TIER1"])
        #expect(state.member("12345")?.fields["member_points"] == "50")
        #expect(state.team(of: "12345", inProgram: "3")?.seats == 10)
        #expect(state.subscription(of: "12345", to: "11")?.status == .revoked)

        // The access log has one line per request, naming command, contact, status and seq.
        let log = running.server.log
        #expect(log.contains("aal_genpass contact=12345 status=200 seq=2 "))
        #expect(log.contains("aal_genpass contact=- status=401 seq=- "))
        #expect(log.split(separator: "\n").filter { $0.contains(" status=") }.count >= answers.count + 30)
        // Secrets: the handshake and the passwords appear nowhere on disk or in the log.
        #expect(passwords.count == 3)
        var files = [running.server.logPath]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let name = enumerator?.nextObject() as? String {
            if !name.hasSuffix("handshake") { files.append("\(folder.path)/\(name)") }
        }
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(Self.handshake), "\(file) contains the handshake")
            for password in passwords { #expect(!text.contains(password), "\(file) contains a password") }
        }
        func mode(_ path: String) throws -> Int? {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        }
        #expect(try mode(folder.journal) == 0o600)
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: folder.snapshots)
        #expect(!snapshots.isEmpty)
        for snapshot in snapshots { #expect(try mode("\(folder.snapshots)/\(snapshot)") == 0o600, "\(snapshot)") }
    }

    @Test("a second serve on the same data folder is refused (exit 75), naming the running server's pid")
    func secondServeRefused() throws {
        let running = try Running()
        defer { running.server.stop() }
        let second = try BuiltProduct.run(
            "memberledger", ["serve", "--data", running.server.dataFolder, "--port", "0"], in: running.temp.path,
            environment: ["MEMBERLEDGER_HANDSHAKE": Self.handshake], timeout: 60)
        #expect(second.status == 75)
        #expect(second.error.contains("pid \(running.server.pid)"), "\(second.error)")
        #expect(!second.error.contains(Self.handshake) && !second.output.contains(Self.handshake))
        // The first server is unharmed.
        #expect(try running.send([PythonClient.request("GET", "/healthz")])[0].status == 200)
    }

    @Test("a handshake with a Cyrillic look-alike: serve exits 65 before listening, saying why, never showing it")
    func lookAlikeHandshakeRefused() throws {
        let temp = TemporaryFolder("memberledger-handshake")
        let lookAlike = "H4ndSh4k3H\u{430}ndSh4k3"
        let run = try BuiltProduct.run(
            "memberledger", ["serve", "--data", temp.appending("data"), "--port", "0"], in: temp.path,
            environment: ["MEMBERLEDGER_HANDSHAKE": lookAlike], timeout: 60)
        #expect(run.status == 65)
        #expect(
            run.error.contains(
                "serve: handshake: MEMBERLEDGER_HANDSHAKE: character 11 is U+0430 CYRILLIC SMALL LETTER A, which looks like 'a'"
            ), "\(run.error)")
        #expect(!run.output.contains("listening"), "\(run.output)")
        for text in [run.error, run.output] {
            #expect(!text.contains(lookAlike) && !text.contains("H4ndSh4k3") && !text.contains("ndSh4k3"), "\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: temp.appending("data/handshake")))
    }

    @Test("out of file descriptors (EMFILE): the server backs off, keeps its open connections, then serves again")
    func runsOutOfDescriptors() throws {
        let temp = TemporaryFolder("memberledger-emfile")
        // 40 descriptors: the journal, lock, listener, wake pipe and stdio leave room for about 30 connections.
        let server = try ServerProcess(
            data: temp.appending("data"), logPath: temp.appending("access.log"), fileLimit: 40)
        defer { server.stop() }
        let post = PythonClient.request(
            "POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "contactId=1")
        // 80 idle connections: the first ones get threads, the rest wait while accept fails with EMFILE.
        var idle: [LoopbackClient] = []
        for _ in 0..<80 { if let client = try? LoopbackClient(port: server.port) { idle.append(client) } }
        #expect(idle.count == 80)
        // One of the served connections still works while the server cannot accept.
        try idle[0].send(post)
        #expect(try idle[0].readResponse().status == 200)
        idle.removeAll()
        // Once they are gone, new connections are served again.
        var status = 0
        for _ in 0..<300 where status != 200 {
            status = (try? PythonClient.send([post], port: server.port).first?.status) ?? 0
        }
        #expect(status == 200)
        #expect(server.isRunning)
    }

    @Test("SIGKILL while 16 clients post: every acknowledged request is in the journal after restart")
    func killDuringPosting() throws {
        let running = try Running()
        let script = """
            import http.client, json, sys, threading
            port = int(sys.argv[1]); lock = threading.Lock()
            def worker(n):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                i = 0
                while True:
                    i += 1
                    body = "contactId=%d-%d&email=u%d@example.com" % (n, i, i)
                    try:
                        conn.request("POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3", body, {"Content-Type": "application/x-www-form-urlencoded"})
                        r = conn.getresponse(); data = json.loads(r.read())
                    except Exception:
                        return
                    with lock:
                        print("ack %d %s %d-%d" % (r.status, data.get("seq"), n, i), flush=True)
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
            [t.start() for t in threads]; [t.join() for t in threads]
            """
        let client = try ChildProcess(
            try #require(ChildProcess.python), ["-c", script, String(running.server.port)], output: .pipe)
        client.killAfter(120)
        var acknowledged: [Int64: String] = [:]
        client.forEachOutputLine { line in
            let parts = line.split(separator: " ")
            if parts.count == 4, parts[1] == "200", let seq = Int64(parts[2]) {
                acknowledged[seq] = String(parts[3])
            }
            return acknowledged.count < 400
        }
        running.server.kill()
        client.wait()
        #expect(acknowledged.count >= 400)
        // Reopening recovers a torn tail; every acknowledged seq holds the contact it was acknowledged for.
        let folder = DataFolder(path: running.server.dataFolder)
        _ = try JournalWriter(folder: folder)
        var found: [Int64: String] = [:]
        try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            if case .webhookReceived(let webhook) = event.payload {
                found[event.seq] = webhook.command.contacts.first?.contactID
            }
            return true
        }
        for (seq, contact) in acknowledged {
            #expect(found[seq] == contact, "acknowledged seq \(seq) (\(contact)) lost")
        }
    }

    @Test("no aal_* key is a 404 with or without a body, and nothing is recorded (as Docs/http.md says)")
    func noCommandIsNotFound() throws {
        let running = try Running()
        let answers = try running.send([
            PythonClient.request("GET", "/?foo=1"),
            PythonClient.request(
                "POST", "/?foo=1", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "a=b"),
            PythonClient.request(
                "POST", "/", headers: [("Content-Type", "application/json")], body: #"{"contactId":"1"}"#),
        ])
        #expect(answers.map(\.status) == [404, 404, 404])
        #expect(answers.allSatisfy { $0.body.contains("aal_") })
        let health = Self.json(try running.send([PythonClient.request("GET", "/healthz")])[0])
        #expect(health["seq"] as? Int == 1, "only the catalog is recorded")
    }
}
