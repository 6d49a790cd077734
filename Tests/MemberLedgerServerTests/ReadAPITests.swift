import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// The read API and the live feed, driven over loopback by Python's http.client and sockets against the
/// built server: the admin token, the views the CLI prints, the past, the log's pages, the stream's
/// resume across a restart.
@Suite("Read API end to end", .serialized)
struct ReadAPITests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"

    /// A running server with the sample catalog and some history; heartbeats every 0.2 s.
    final class Running {
        let temp = TemporaryFolder("memberledger-api")
        var server: ServerProcess
        let token: String
        var data: String { temp.appending("data") }

        init(fixtures: [String] = ReadAPITests.history) throws {
            let catalog = temp.appending("catalog.json")
            try Catalog.sampleJSON.write(toFile: catalog, atomically: true, encoding: .utf8)
            server = try Self.start(temp: temp, catalog: catalog)
            token = try String(contentsOfFile: temp.appending("data/admin-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let answers = try PythonClient.send(
                try fixtures.map { try HTTPFixture.named($0).wireBytes }, port: server.port)
            for (name, answer) in zip(fixtures, answers) { #expect(answer.status < 500, "\(name): \(answer.body)") }
        }

        static func start(temp: TemporaryFolder, catalog: String) throws -> ServerProcess {
            try ServerProcess(
                data: temp.appending("data"), handshake: ReadAPITests.handshake,
                arguments: ["--catalog", catalog, "--heartbeat", "0.2"], logPath: temp.appending("access.log"))
        }

        /// Stops the server and starts it again on the same folder.
        func restart() throws {
            #expect(server.stop() == 0)
            server = try Self.start(temp: temp, catalog: temp.appending("catalog.json"))
        }

        func get(_ target: String, token: String? = nil, headers: [(String, String)] = []) throws
            -> PythonClient.Response
        {
            let bearer = token ?? self.token
            let auth = bearer.isEmpty ? [] : [("Authorization", "Bearer \(bearer)")]
            return try PythonClient.send(
                [PythonClient.request("GET", target, headers: auth + headers)], port: server.port)[0]
        }

        func json(_ target: String) throws -> [String: Any] {
            let response = try get(target)
            #expect(response.status == 200, "\(target): \(response.status) \(response.body)")
            return ReadAPITests.object(response.body)
        }

        /// Logs in to the console as a browser would: the session cookie (`name=value`), the CSRF token
        /// of the page `page`, and that page's answer.
        func logIn(page: String = "/console/") throws -> (cookie: String, csrf: String, page: PythonClient.Response) {
            let login = try PythonClient.send(
                [
                    PythonClient.request(
                        "POST", "/console/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                        body: "token=\(token)")
                ], port: server.port)[0]
            #expect(login.status == 303 && login.headers["Location"] == "/console/")
            let cookie = try #require(login.headers["Set-Cookie"]?.split(separator: ";").first.map(String.init))
            let answer = try get(page, token: "", headers: [("Cookie", cookie)])
            let csrf = try #require(
                answer.body.range(of: #"name="csrf-token" content=""#).map { range in
                    String(answer.body[range.upperBound...].prefix { $0 != "\"" })
                })
            return (cookie, csrf, answer)
        }

        /// `memberledger ARGS --data DIR` while the server runs.
        func cli(_ arguments: [String]) throws -> ChildProcess.Output {
            try ChildProcess.run(BuiltProduct.path("memberledger")!, arguments + ["--data", data])
        }
    }

    static let history = [
        "keap-genpass", "activecampaign-genpass", "activecampaign-tags-fields", "initiateteam", "updateteam",
        "createcoupon", "unknown-command", "ontraport-updateuser",
    ]

    /// `text` percent-encoded for a URL query or a form body.
    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The same JSON value, whatever the key order or spacing.
    static func same(_ a: String, _ b: String) -> Bool {
        guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8), options: .fragmentsAllowed),
            let y = try? JSONSerialization.jsonObject(with: Data(b.utf8), options: .fragmentsAllowed)
        else { return false }
        return NSDictionary(dictionary: ["v": x]).isEqual(to: ["v": y])
    }

    @Test("one and the same 401 for no token, a wrong one, the handshake, or a token in the URL; no-store, no CORS")
    func authentication() throws {
        let running = try Running(fixtures: ["keap-genpass"])
        let refused = [
            try running.get("/api/members/12345", token: ""),
            try running.get("/api/members/12345", token: String(running.token.reversed())),
            try running.get("/api/members/12345", token: Self.handshake),
            try running.get("/api/members/12345?token=\(running.token)", token: ""),
            try running.get("/api/stats", token: Self.handshake),
            try running.get("/api/stream", token: Self.handshake),
            try running.get("/api/nonsense", token: ""),
        ]
        for response in refused {
            #expect(response.status == 401)
            #expect(response.body == refused[0].body)
            #expect(response.headers["Cache-Control"] == "no-store")
            #expect(!response.body.contains(running.token) && !response.body.contains(Self.handshake))
        }
        let answered = try running.get("/api/members/12345")
        #expect(answered.status == 200)
        #expect(answered.headers["Cache-Control"] == "no-store")
        #expect(!answered.headers.keys.contains { $0.lowercased().hasPrefix("access-control") })
        // The token is made once, 0600, 32+ letters and digits; the access log never holds it.
        let attributes = try FileManager.default.attributesOfItem(atPath: running.temp.appending("data/admin-token"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(running.token.count >= 32 && running.token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(running.server.stop() == 0)
        #expect(!running.server.log.contains(running.token) && !running.server.log.contains(Self.handshake))
    }

    @Test("members, teams, coupons, stats and digest answer exactly what the CLI prints")
    func viewsMatchTheCommandLine() throws {
        let running = try Running()
        let listed = try running.json("/api/members")
        let ids = (listed["members"] as? [[String: Any]] ?? []).compactMap { $0["contactId"] as? String }
        #expect(ids == ["12345", "1358"])
        for id in ids {
            let api = try running.get("/api/members/\(id)")
            let cli = try running.cli(["show", "member", id, "--json"])
            #expect(Self.same(api.body, cli.text), "member \(id): \(api.body) vs \(cli.text)")
        }
        for (kind, path, id) in [("team", "teams/3/12345", "3/12345")] {
            let api = try running.get("/api/\(path)")
            #expect(Self.same(api.body, try running.cli(["show", kind, id, "--json"]).text), "\(api.body)")
        }
        let coupons = (try running.json("/api/members/12345"))["coupons"] as? [[String: Any]] ?? []
        let code = try #require(coupons.first?["code"] as? String)
        #expect(
            Self.same(
                try running.get("/api/coupons/\(code)").body, try running.cli(["show", "coupon", code, "--json"]).text))
        #expect(Self.same(try running.get("/api/stats").body, try running.cli(["stats", "--json"]).text))
        #expect(Self.same(try running.get("/api/digest").body, try running.cli(["digest", "--json"]).text))
        let history = (try running.json("/api/members/12345/history"))["history"] as? [Any] ?? []
        let cliHistory = try running.cli(["history", "12345", "--json"]).text.split(separator: "\n")
        #expect(history.count == cliHistory.count && !history.isEmpty)
        #expect(Self.same(try running.get("/api/catalog").body, try running.cli(["catalog", "show", "--json"]).text))
        let journal = try running.json("/api/journal")
        #expect((journal["head"] as? [String: Any])?["seq"] as? Int == Self.history.count)
        // A subscription, from a paid order posted as a site event.
        let order = try PythonClient.send(
            [
                PythonClient.request(
                    "POST", "/events",
                    headers: [("Authorization", "Bearer \(Self.handshake)"), ("Content-Type", "application/json")],
                    body:
                        #"{"type":"order.completed","contactId":"12345","productId":"11","gateway":"stripe","amount":4900,"currency":"USD"}"#
                )
            ], port: running.server.port)[0]
        #expect(order.status == 200, "\(order.body)")
        let subscription = try running.get("/api/subscriptions/12345/11")
        #expect(subscription.status == 200, "\(subscription.body)")
        #expect(Self.same(subscription.body, try running.cli(["show", "subscription", "12345/11", "--json"]).text))
    }

    @Test("asOf and seq give the past from snapshots and the tail; before a member existed says so")
    func thePast() throws {
        let running = try Running()
        let now = try running.json("/api/members/1358")
        #expect((now["tags"] as? [String] ?? []).contains("TIER1"))
        // Seq 3 is the ActiveCampaign genpass (after the catalog and Keap's): no tags from the update yet.
        let before = try running.json("/api/members/1358?seq=3")
        #expect(!(before["tags"] as? [String] ?? []).contains("TIER1"))
        let cli = try running.cli(["show", "member", "1358", "--seq", "3", "--json"])
        #expect(Self.same(try running.get("/api/members/1358?seq=3").body, cli.text))
        let early = try running.get("/api/members/1358?seq=1")
        #expect(early.status == 404 && early.body.contains("not a member yet at that time"))
        let epoch = try running.get("/api/members/1358?asOf=2000-01-01T00:00:00Z")
        #expect(epoch.status == 404 && epoch.body.contains("as of 2000-01-01T00:00:00"))
        let future = try running.json("/api/members/1358?asOf=2999-01-01T00:00:00Z")
        #expect(future["contactId"] as? String == "1358")
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var target: String
        var status: Int
        var says: String
        var testDescription: String { target }
    }

    @Test(
        "bad parameters are a 400 naming the parameter; unknown ids and paths a 404",
        arguments: [
            BadCase(target: "/api/log?limit=0", status: 400, says: "limit:"),
            BadCase(target: "/api/log?limit=abc", status: 400, says: "limit:"),
            BadCase(target: "/api/log?outcome=maybe", status: 400, says: "outcome:"),
            BadCase(target: "/api/log?since=yesterday", status: 400, says: "since:"),
            BadCase(target: "/api/log?before=-3", status: 400, says: "before:"),
            BadCase(target: "/api/log?colour=red", status: 400, says: "colour: not a parameter"),
            BadCase(target: "/api/log?limit=1&limit=2", status: 400, says: "limit: given more than once"),
            BadCase(target: "/api/members/12345?asOf=soon", status: 400, says: "asOf:"),
            BadCase(target: "/api/members/12345?seq=999", status: 400, says: "seq:"),
            BadCase(target: "/api/members/12345?seq=1&asOf=2026-01-01T00:00:00Z", status: 400, says: "not both"),
            BadCase(target: "/api/members?limit=5000", status: 400, says: "limit:"),
            BadCase(target: "/api/events/abc", status: 400, says: "seq:"),
            BadCase(target: "/api/stream?from=x", status: 400, says: "from:"),
            BadCase(target: "/api/stream?from=9223372036854775807", status: 400, says: "from: is past the head"),
            BadCase(target: "/api/stream?from=3", status: 400, says: "from: is past the head, seq 2"),
            BadCase(target: "/api/members/nobody", status: 404, says: "no member nobody"),
            BadCase(target: "/api/teams/3/nobody", status: 404, says: "no team 3/nobody"),
            BadCase(target: "/api/subscriptions/12345/77", status: 404, says: "no subscription"),
            BadCase(target: "/api/coupons/NOPE", status: 404, says: "no coupon NOPE"),
            BadCase(target: "/api/events/999", status: 404, says: "no event 999"),
            BadCase(target: "/api/members/nobody/history", status: 404, says: "appears in no event"),
            BadCase(target: "/api/elsewhere", status: 404, says: "no such endpoint"),
        ])
    func badRequests(_ testCase: BadCase) throws {
        let running = try Running(fixtures: ["keap-genpass"])
        let response = try running.get(testCase.target)
        #expect(response.status == testCase.status, "\(response.body)")
        #expect(response.body.contains(testCase.says), "\(response.body)")
        #expect(response.headers["Cache-Control"] == "no-store")
    }

    @Test("the log pages newest first by its next link, with no event twice or missed; filters apply")
    func logPages() throws {
        let running = try Running()
        var seen: [Int] = []
        var target: String? = "/api/log?limit=3"
        while let next = target {
            let page = try running.json(next)
            seen += (page["events"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
            target = page["next"] as? String
        }
        #expect(seen == Array((1...Self.history.count).reversed()))
        // Whatever a filter matches, `head` is where a feed opened now would start.
        #expect((try running.json("/api/log?contact=nobody"))["head"] as? Int == Self.history.count)
        let rejected = try running.json("/api/log?outcome=rejected")
        let rows = rejected["events"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty && rows.allSatisfy { $0["outcome"] as? String == "rejected" })
        let team = try running.json("/api/log?command=aal_initiateteam&contact=12345")
        #expect((team["events"] as? [[String: Any]])?.count == 1)
        let cli = try running.cli(["log", "--json", "--limit", "0"]).text.split(separator: "\n").map(String.init)
        let api = (try running.json("/api/log?limit=1000"))["events"] as? [[String: Any]] ?? []
        #expect(api.count == cli.count)
        for (row, line) in zip(api, cli) {
            let data = try JSONSerialization.data(withJSONObject: row)
            #expect(Self.same(String(decoding: data, as: UTF8.self), line))
        }
    }

    @Test("an event's record is redacted and comes with its outcome and effects")
    func eventDetail() throws {
        let running = try Running()
        let response = try running.get("/api/events/2")
        #expect(response.status == 200)
        #expect(!response.body.contains(Self.handshake) && response.body.contains("REDACTED"))
        let detail = Self.object(response.body)
        #expect((detail["outcome"] as? [String: Any])?["outcome"] as? String == "applied")
        let effects = (detail["outcome"] as? [String: Any])?["effects"] as? [[String: Any]] ?? []
        #expect(effects.contains { $0["type"] as? String == "memberCreated" })
        #expect((detail["event"] as? [String: Any])?["seq"] as? Int == 2)
    }

    @Test("the console's actions: verify now, snapshot now and retry dead letters, each with a session and CSRF token")
    func consoleActions() throws {
        let running = try Running()
        let port = running.server.port
        let (cookie, csrf, page) = try running.logIn(page: "/console/health")
        #expect(page.status == 200)
        #expect(
            page.headers["Content-Security-Policy"]
                == "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        #expect(page.headers["X-Content-Type-Options"] == "nosniff" && page.headers["Referrer-Policy"] == "no-referrer")
        #expect(!page.body.contains(running.token), "the token never appears in a page")
        func act(_ path: String, csrf: String?) throws -> PythonClient.Response {
            // PythonClient.request sends `Host: 127.0.0.1`: the origin of this console, as the browser sees it.
            var headers = [("Cookie", cookie), ("Origin", "http://127.0.0.1")]
            if let csrf { headers.append(("X-CSRF-Token", csrf)) }
            return try PythonClient.send([PythonClient.request("POST", path, headers: headers)], port: port)[0]
        }
        #expect(try act("/console/actions/snapshot", csrf: nil).status == 403)
        let badItem = try act("/console/actions/retry?item=abc", csrf: csrf)
        #expect(badItem.status == 400 && badItem.body.contains("item:"), "a bad item is refused, never read as all")
        let snapshot = try act("/console/actions/snapshot", csrf: csrf)
        #expect(snapshot.status == 200 && snapshot.body.contains("snapshot written at seq \(Self.history.count)"))
        // With a snapshot past the contact's first event, the API's history still equals the CLI's from seq 1.
        for contact in ["12345", "1358"] {
            let api = (try running.json("/api/members/\(contact)/history"))["history"] as? [Any] ?? []
            let cli = try running.cli(["history", contact, "--json"]).text.split(separator: "\n").map(String.init)
            #expect(api.count == cli.count && !api.isEmpty)
            for (entry, line) in zip(api, cli) {
                let data = try JSONSerialization.data(withJSONObject: entry)
                #expect(Self.same(String(decoding: data, as: UTF8.self), line))
            }
        }
        let retry = try act("/console/actions/retry", csrf: csrf)
        #expect(
            retry.status == 200 && Self.object(retry.body)["seq"] as? Int == Self.history.count + 1, "\(retry.body)")
        #expect(try act("/console/actions/verify", csrf: csrf).status == 202)
        var verification: [String: Any] = [:]
        #expect(
            waitUntil {
                verification = (try? running.json("/api/journal"))?["verification"] as? [String: Any] ?? [:]
                return verification["running"] as? Bool == false && verification["result"] is String
            })
        #expect(verification["intact"] as? Bool == true, "\(verification)")
        // The API answers the session's cookie as it answers the token.
        #expect(try running.get("/api/stats", token: "", headers: [("Cookie", cookie)]).status == 200)
    }

    @Test("logging out of the console ends the live feeds its session opened")
    func logoutEndsFeeds() throws {
        let running = try Running(fixtures: [])
        let port = running.server.port
        let (cookie, csrf, _) = try running.logIn()
        // Opens a feed with the cookie, logs out on another connection, then reads the feed to its end.
        let script = """
            import http.client, socket, sys, time
            port, cookie, csrf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(("GET /api/stream HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nCookie: %s\\r\\n\\r\\n" % cookie).encode())
            feed = sock.makefile("rb")
            status = int(feed.readline().split()[1])
            logout = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            origin = "http://127.0.0.1:%d" % port
            logout.request("POST", "/console/logout", body="", headers={"Cookie": cookie, "Origin": origin, "X-CSRF-Token": csrf})
            answer = logout.getresponse().status
            started = time.time()
            while feed.readline() and time.time() - started < 10:
                pass
            print(status, answer, "ended after %.1f s" % (time.time() - started))
            """
        let output = try ChildProcess.run(ChildProcess.python!, ["-c", script, String(port), cookie, csrf])
        let words = output.text.split(separator: " ")
        #expect(words.prefix(2) == ["200", "303"], "\(output.text) \(output.stderr)")
        #expect(output.text.contains("ended after"), "the feed ended (within a heartbeat) rather than the 10 s timeout")
        let seconds = Double(words.dropFirst(4).first ?? "") ?? 99
        #expect(seconds < 5, "\(output.text)")
    }

    // MARK: - The live feed

    /// Reads `/api/stream` with a raw socket: sends `then` webhooks once the head is in, and returns what
    /// arrived once `events` messages and `comments` keep-alives have (or after 15 s).
    static let streamScript = """
        import http.client, json, socket, sys, time
        port, token, path, last = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        sends, want, want_comments = json.loads(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
        out = {"status": 0, "headers": {}, "events": [], "comments": 0, "body": ""}
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=15)
            request = "GET %s HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer %s\\r\\nAccept: text/event-stream\\r\\n" % (path, token)
            if last:
                request += "Last-Event-ID: %s\\r\\n" % last
            sock.sendall((request + "\\r\\n").encode())
            stream = sock.makefile("rb")
            out["status"] = int(stream.readline().split()[1])
            while True:
                line = stream.readline().decode().rstrip("\\r\\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                out["headers"][name.strip()] = value.strip()
            if out["status"] != 200:
                out["body"] = stream.read().decode()
            else:
                for target in sends:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request("POST", target[0], body=target[1], headers={"Content-Type": "application/x-www-form-urlencoded"})
                    connection.getresponse().read()
                    connection.close()
                current = {}
                while len(out["events"]) < want or out["comments"] < want_comments:
                    line = stream.readline()
                    if not line:
                        break
                    line = line.decode().rstrip("\\n")
                    if line == "":
                        if "data" in current:
                            out["events"].append(current)
                        current = {}
                    elif line.startswith(": keep-alive"):
                        out["comments"] += 1
                    elif not line.startswith(":"):
                        name, _, value = line.partition(":")
                        current[name] = value[1:] if value.startswith(" ") else value
        except Exception as error:
            out["body"] += " " + str(error)
        json.dump(out, sys.stdout)
        """

    struct StreamRead {
        var status: Int
        var headers: [String: String]
        var ids: [Int]
        var events: [[String: String]]
        var comments: Int
        var body: String
    }

    static func readStream(
        port: Int, token: String, path: String = "/api/stream", lastEventID: String = "",
        then sends: [(String, String)] = [], events: Int, comments: Int = 0
    ) throws -> StreamRead {
        let sendsJSON = try JSONSerialization.data(withJSONObject: sends.map { [$0.0, $0.1] })
        let output = try ChildProcess.run(
            ChildProcess.python!,
            [
                "-c", streamScript, String(port), token, path, lastEventID,
                String(decoding: sendsJSON, as: UTF8.self), String(events), String(comments),
            ])
        let result = object(output.text)
        let messages = (result["events"] as? [[String: String]]) ?? []
        return StreamRead(
            status: result["status"] as? Int ?? 0, headers: result["headers"] as? [String: String] ?? [:],
            ids: messages.compactMap { $0["id"].flatMap(Int.init) }, events: messages,
            comments: result["comments"] as? Int ?? 0, body: (result["body"] as? String ?? "") + output.stderr)
    }

    static func genpass(_ contact: Int) -> (String, String) {
        ("/?aal_genpass=\(handshake)", "contactId=\(contact)&email=m\(contact)%40example.com")
    }

    @Test("the stream sends each new event once, in order, as `ledger` messages with heartbeats between")
    func streamLive() throws {
        let running = try Running()
        let read = try Self.readStream(
            port: running.server.port, token: running.token, then: [Self.genpass(500), Self.genpass(501)], events: 2,
            comments: 2)
        #expect(read.status == 200, "\(read.body)")
        #expect(read.headers["Content-Type"]?.hasPrefix("text/event-stream") == true)
        #expect(read.headers["Cache-Control"] == "no-store")
        let head = Self.history.count
        #expect(read.ids == [head + 1, head + 2])
        #expect(read.events.allSatisfy { $0["event"] == "ledger" })
        let data = Self.object(read.events.first?["data"] ?? "")
        #expect(data["command"] as? String == "aal_genpass" && data["contacts"] as? [String] == ["500"])
        #expect(read.comments >= 2)
    }

    @Test("Last-Event-ID and ?from resume with no gap and no repeat, across a restart")
    func streamResumes() throws {
        let running = try Running()
        let head = Self.history.count
        let first = try Self.readStream(
            port: running.server.port, token: running.token, path: "/api/stream?from=2", events: head - 2)
        #expect(first.ids == Array(3...head), "\(first.body)")
        try running.restart()
        let afterRestart = try Self.readStream(
            port: running.server.port, token: running.token, lastEventID: String(head - 1),
            then: [Self.genpass(600)], events: 2)
        #expect(afterRestart.ids == [head, head + 1], "\(afterRestart.body)")
        let bad = try Self.readStream(port: running.server.port, token: running.token, lastEventID: "soon", events: 0)
        #expect(bad.status == 400 && bad.body.contains("Last-Event-ID"))
        let past = try Self.readStream(
            port: running.server.port, token: running.token, lastEventID: "9223372036854775807", events: 0)
        #expect(past.status == 400 && past.body.contains("Last-Event-ID: is past the head"))
    }

    @Test("at most 64 streams at once; the 65th is answered 503 with Retry-After, and a closed one frees its place")
    func streamLimit() throws {
        let running = try Running(fixtures: [])
        let script = """
            import socket, sys
            port, token = int(sys.argv[1]), sys.argv[2]
            def open_stream():
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                sock.sendall(("GET /api/stream HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n" % token).encode())
                stream = sock.makefile("rb")
                status = int(stream.readline().split()[1])
                headers = []
                while True:
                    line = stream.readline().decode().strip()
                    if not line:
                        break
                    headers.append(line)
                return sock, status, headers
            streams = [open_stream() for _ in range(64)]
            extra = open_stream()
            retry = any(h.lower().startswith("retry-after") for h in extra[2])
            streams[0][0].close()
            import time
            for _ in range(100):
                again = open_stream()
                if again[1] == 200:
                    break
                time.sleep(0.05)
            print(sum(1 for s in streams if s[1] == 200), extra[1], retry, again[1])
            """
        let output = try ChildProcess.run(
            ChildProcess.python!, ["-c", script, String(running.server.port), running.token])
        #expect(output.text.trimmingCharacters(in: .whitespacesAndNewlines) == "64 503 True 200", "\(output.stderr)")
    }
}
