import Dispatch
import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerTesting
import MemberLedgerWebhooks
import Synchronization
import Testing

/// Inputs a review of the journal, server and command line found could crash, hang, leak or lose; each
/// stays fixed.
@Suite("Regressions from the server review", .serialized)
struct ReviewRegressionTests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"

    static func server(
        _ temp: TemporaryFolder, storage: any JournalStorage = SystemStorage(), durabilityTimeout: Double = 2
    ) throws -> WebhookServer {
        var http = HTTPServerConfiguration()
        http.port = 0
        let server = try WebhookServer(
            configuration: ServerConfiguration(
                folder: DataFolder(path: temp.appending("data")), http: http, handshake: handshake,
                passwordIterations: 1,
                durabilityTimeout: durabilityTimeout, storage: storage))
        try server.start()
        return server
    }

    @Test("while running, a snapshot is written every N events, so a crash replays only the tail")
    func periodicSnapshots() throws {
        let temp = TemporaryFolder()
        var http = HTTPServerConfiguration()
        http.port = 0
        let folder = DataFolder(path: temp.appending("data"))
        let logged = Mutex<[String]>([])
        let server = try WebhookServer(
            configuration: ServerConfiguration(
                folder: folder, http: http, handshake: Self.handshake, passwordIterations: 1,
                accessLog: { line in logged.withLock { $0.append(line) } }, snapshotEvery: 5,
                snapshotCheckSeconds: 0.02))
        try server.start()
        defer { server.shutdown() }
        let posts = (1...12).map { index in
            PythonClient.request(
                "POST", "/?aal_genpass=\(Self.handshake)",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "contactId=\(index)")
        }
        #expect(try PythonClient.send(posts, port: server.port).allSatisfy { $0.status == 200 })
        // The check runs every 20 ms; wait (at most 30 s) until fewer than 5 events are left after the
        // newest snapshot, which is the rule: a crash replays less than one interval.
        let head = server.head.seq
        #expect(head == 12)
        func tail() -> Int64 { head - (SnapshotStore(folder: folder).list().last?.seq ?? 0) }
        func announced() -> Bool { logged.withLock { $0.contains { $0.hasPrefix("snapshot written at seq ") } } }
        // The file lands before its log line: wait for both.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, tail() >= 5 || !announced() { Thread.sleep(forTimeInterval: 0.01) }
        let snapshots = SnapshotStore(folder: folder).list()
        #expect(tail() < 5, "\(snapshots.map(\.seq))")
        #expect((snapshots.first?.seq ?? 0) >= 5)
        #expect(snapshots.allSatisfy { $0.problem == nil })
        #expect(announced())
        // Replay starts from it and reaches the same state as replay from seq 1.
        let replay = LedgerReplay(folder: folder)
        let fromSnapshot = try replay.state()
        #expect(fromSnapshot.snapshotSeq != nil)
        #expect(fromSnapshot.state.digest == (try replay.state(useSnapshots: false)).state.digest)
    }

    @Test("an event too large to read back is refused before anything is written")
    func recordTooLarge() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        let huge = ContactData(
            contactID: "1", fields: ["blob": String(repeating: "x", count: JournalFormat.maximumTailBytes)])
        #expect {
            try writer.append(EventDraft(.memberImported(MemberImported(contact: huge))))
        } throws: { error in
            if case .recordTooLarge = error as? JournalError { return true }
            return false
        }
        try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "2")))))
        let scan = try JournalReader(folder: folder).verify()
        #expect(scan.damage == nil)
        #expect(scan.head.seq == 1)
    }

    @Test("a lone line break around an id is trimmed, and cannot smuggle a merge field past the check")
    func trimmedLineBreaks() throws {
        let decoder = WebhookDecoder(handshake: Self.handshake)
        func decode(_ body: String) throws -> WebhookDelivery {
            try decoder.decode(
                IncomingRequest(
                    method: "POST", target: "/?aal_updateuser=\(Self.handshake)",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8)))
        }
        #expect(try decode("contactId=2%0A").items[0].command.contacts[0].contactID == "2")
        #expect(try decode("contactId=%0D2").items[0].command.contacts[0].contactID == "2")
        #expect(throws: WebhookError.unsubstitutedMergeField(name: "contactId", style: .brackets)) {
            try decode("contactId=%5BContact+ID%5D%0A")
        }
    }

    @Test("unknown command names never become metric labels; site events drop password fields")
    func labelsAndSecrets() throws {
        let temp = TemporaryFolder()
        let server = try Self.server(temp)
        defer { server.shutdown() }
        let answers = try PythonClient.send(
            [
                PythonClient.request("GET", "/?aal_bogus%22%7D=\(Self.handshake)"),
                PythonClient.request(
                    "POST", "/events", headers: [("Authorization", "Bearer \(Self.handshake)")],
                    body:
                        #"{"type":"member.imported","contact":{"contactId":"7","fields":{"Password":"hunter2hunter2","plan":"gold"}}}"#
                ),
                PythonClient.request("GET", "/metrics"),
            ], port: server.port)
        #expect(answers[0].status == 400)
        #expect(answers[1].status == 200)
        #expect(answers[2].body.contains(#"command="aal_unknown""#))
        #expect(!answers[2].body.contains("bogus"))
        server.shutdown()
        let journal = try String(contentsOfFile: DataFolder(path: temp.appending("data")).journal, encoding: .utf8)
        #expect(!journal.contains("hunter2"))
        #expect(journal.contains("gold"))
    }

    @Test("a handshake shorter than 16 characters is refused, from the environment too")
    func shortHandshake() {
        let temp = TemporaryFolder()
        #expect(throws: SecretError.self) {
            try Handshake.load(
                folder: DataFolder(path: temp.appending("data")), environment: ["MEMBERLEDGER_HANDSHAKE": "short"])
        }
    }

    @Test("a stalled disk answers 503 after the durability timeout; the retry then finds the record")
    func durabilityTimeout() throws {
        let temp = TemporaryFolder()
        let storage = GatedStorage()
        let server = try Self.server(temp, storage: storage, durabilityTimeout: 0.3)
        defer {
            storage.release()
            server.shutdown()
        }
        let request = PythonClient.request(
            "POST", "/?aal_genpass=\(Self.handshake)", headers: [("Idempotency-Key", "delivery-1")], body: "contactId=9"
        )
        let first = try PythonClient.send([request], port: server.port)[0]
        #expect(first.status == 503)
        #expect(first.headers["Retry-After"] == "1")
        storage.release()
        let retry = try PythonClient.send([request], port: server.port)[0]
        #expect(retry.status == 200)
        #expect(retry.body.contains(#""outcome":"duplicate","duplicateOf":1"#))
    }

    @Test("a snapshot whose state is not the state right after its record is skipped, never trusted")
    func forgedSnapshot() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "1")))))
        let (position, recordOffset) = writer.position
        var advanced = try LedgerReplay(folder: folder).state().state
        advanced.advance(to: advanced.clock.adding(days: 400))
        // Forge: the advanced state's bytes under a header copied from an honest snapshot, digest recomputed.
        let honest = try SnapshotStore(folder: folder).write(
            try LedgerReplay(folder: folder).state().state, at: position, recordOffset: recordOffset)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: honest)))
        let newline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let forgedState = advanced.canonicalBytes
        var header = String(decoding: bytes[..<newline], as: UTF8.self)
        let oldDigest = try #require(header.range(of: #""stateDigest":"[0-9a-f]{64}""#, options: .regularExpression))
        header.replaceSubrange(oldDigest, with: "\"stateDigest\":\"\(Hex.encode(SHA256.hash(forgedState)))\"")
        let oldLength = try #require(header.range(of: #""stateLength":[0-9]+"#, options: .regularExpression))
        header.replaceSubrange(oldLength, with: "\"stateLength\":\(forgedState.count)")
        try (Data(header.utf8) + [UInt8(ascii: "\n")] + forgedState).write(to: URL(fileURLWithPath: honest))
        let result = try LedgerReplay(folder: folder).state()
        #expect(result.snapshotSeq == nil)
        #expect(result.warnings.first?.contains("not the state right after record 1") == true)
        try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "2")))))
    }

    @Test("the first start makes DIR/handshake: 32 random characters, 0600, the same on every later start")
    func handshakeFile() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let first = try Handshake.load(folder: folder, environment: [:])
        #expect(first.count == 32)
        #expect(first.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(try Handshake.load(folder: folder, environment: [:]) == first)
        let mode =
            (try FileManager.default.attributesOfItem(atPath: "\(folder.path)/handshake")[.posixPermissions]
            as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let other = try Handshake.load(folder: DataFolder(path: temp.appending("other")), environment: [:])
        #expect(other != first)
    }

    @Test("--catalog records the catalog once; a restart with the same catalog records nothing")
    func catalogOnce() throws {
        let temp = TemporaryFolder()
        var http = HTTPServerConfiguration()
        http.port = 0
        for expectedHead in [Int64(1), 1] {
            let server = try WebhookServer(
                configuration: ServerConfiguration(
                    folder: DataFolder(path: temp.appending("data")), http: http, handshake: Self.handshake,
                    catalog: .sample))
            #expect(server.head.seq == expectedHead)
        }
    }
}
