import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// Replicas, backups and the scrub against a running server, as an admin uses them: `follow` over HTTP
/// with the admin token, promotion by `serve`, `backup`, `restore` from a snapshot, and writes stopped when
/// a scrub finds damage.
@Suite("Replicas, backups and the scrub")
struct ReplicaTests {
    static let genpass = PythonClient.request(
        "POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3", headers: [("Content-Type", "application/x-www-form-urlencoded")],
        body: "contactId=1")

    static func updateuser(_ index: Int) -> [UInt8] {
        PythonClient.request(
            "POST", "/?aal_updateuser=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "contact%5Bid%5D=1&contact%5Bemail%5D=u\(index)%40example.com")
    }

    static func run(_ arguments: [String], in temp: TemporaryFolder, token: String? = nil) throws -> BuiltProduct.Run {
        try BuiltProduct.run(
            "memberledger", arguments, in: temp.path,
            environment: ["MEMBERLEDGER_HANDSHAKE": "H4ndSh4k3H4ndSh4k3", "MEMBERLEDGER_ADMIN_TOKEN": token ?? ""])
    }

    @Test("follow copies only verified, durable bytes, resumes where it stopped, and its folder is promoted by serve")
    func follow() throws {
        let temp = TemporaryFolder("memberledger-follow")
        let server = try ServerProcess(data: temp.appending("primary"), logPath: temp.appending("primary.log"))
        defer { server.stop() }
        let token = try String(contentsOfFile: temp.appending("primary/admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let answers = try PythonClient.send([Self.genpass] + (1...20).map(Self.updateuser), port: server.port)
        #expect(answers.allSatisfy { $0.status == 200 })
        let url = "http://127.0.0.1:\(server.port)"
        // Without the admin token, the journal's bytes are not handed out.
        let refused = try Self.run(["follow", url, "--data", "replica", "--once"], in: temp, token: "wrong")
        #expect(refused.status == 64)
        let first = try Self.run(["follow", url, "--data", "replica", "--once"], in: temp, token: token)
        #expect(first.status == 0, "\(first.output)\(first.error)")
        #expect(first.output.contains("head 21:") && first.output.contains("lag 0 records"))
        #expect(
            try FileSystem.readFile(temp.appending("replica/journal.jsonl"))
                == FileSystem.readFile(temp.appending("primary/journal.jsonl")))
        _ = try PythonClient.send((21...25).map(Self.updateuser), port: server.port)
        let second = try Self.run(["follow", url, "--data", "replica", "--once"], in: temp, token: token)
        #expect(second.status == 0)
        #expect(second.output.contains("head 26:"))
        #expect(
            try FileSystem.readFile(temp.appending("replica/journal.jsonl"))
                == FileSystem.readFile(temp.appending("primary/journal.jsonl")))
        // The replica serves every read verb.
        let show = try Self.run(["show", "member", "1", "--data", "replica", "--json"], in: temp)
        #expect(show.status == 0)
        #expect(show.output.contains("u25@example.com"))
        // Another journal is never appended to this copy.
        let other = try ServerProcess(data: temp.appending("other"), logPath: temp.appending("other.log"))
        defer { other.stop() }
        let otherToken = try String(contentsOfFile: temp.appending("other/admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let mixed = try Self.run(
            ["follow", "http://127.0.0.1:\(other.port)", "--data", "replica", "--once"], in: temp, token: otherToken)
        #expect(mixed.status == 1)
        #expect(
            mixed.error.contains("the source holds journal") || mixed.error.contains("past the journal's durable end"))
        // The primary's disk dies: the replica is promoted and takes writes after the last copied record.
        _ = server.stop()
        let promoted = try ServerProcess(data: temp.appending("replica"), logPath: temp.appending("replica.log"))
        defer { promoted.stop() }
        #expect(promoted.banner.contains("head 26"))
        #expect(try PythonClient.send([Self.updateuser(26)], port: promoted.port).first?.status == 200)
    }

    @Test("damage found by the scrub while serving stops writes (503) and shows in /healthz and /metrics")
    func scrubStopsWrites() throws {
        let temp = TemporaryFolder("memberledger-scrub")
        let server = try ServerProcess(
            data: temp.appending("data"), arguments: ["--scrub-every", "0.2"], logPath: temp.appending("access.log"))
        defer { server.stop() }
        let answers = try PythonClient.send([Self.genpass] + (1...5).map(Self.updateuser), port: server.port)
        #expect(answers.allSatisfy { $0.status == 200 })
        let health = PythonClient.request("GET", "/healthz")
        #expect(try PythonClient.send([health], port: server.port).first?.status == 200)
        // Bit rot in acknowledged record 3: same length, in place.
        let path = temp.appending("data/journal.jsonl")
        let bytes = try FileSystem.readFile(path)
        let third = bytes.indices.filter { bytes[$0] == 10 }[2] + 1
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(third + 40))
        try handle.write(contentsOf: Data([bytes[third + 40] ^ 0x01]))
        try handle.close()
        var seen: PythonClient.Response?
        #expect(
            waitUntil {
                seen = try? PythonClient.send([health], port: server.port).first
                return seen?.status == 503
            })
        #expect(seen?.body.contains(#""status":"damaged""#) == true)
        #expect(seen?.body.contains("corrupt at seq 3, byte \(third)") == true)
        let refused = try PythonClient.send([Self.updateuser(6)], port: server.port).first
        #expect(refused?.status == 503)
        #expect(refused?.headers["Retry-After"] != nil)
        let metrics = try PythonClient.send([PythonClient.request("GET", "/metrics")], port: server.port).first
        #expect(metrics?.body.contains("memberledger_scrub_damaged 1") == true)
        #expect(server.log.contains("the scrub found the journal damaged"))
        // Reads of the ledger are refused as the read verbs refuse them; the journal's figures stay readable.
        let token = try String(contentsOfFile: temp.appending("data/admin-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let reads = try PythonClient.send(
            ["/api/members/1", "/api/journal"].map {
                PythonClient.request("GET", $0, headers: [("Authorization", "Bearer \(token)")])
            }, port: server.port)
        #expect(reads[0].status == 503)
        #expect(reads[0].body.contains("the scrub found the journal damaged"))
        #expect(reads[1].status == 200)
        #expect(try FileSystem.readFile(path).count == bytes.count)
    }

    @Test("backup makes a verified copy; with the journal lost, restore --snapshot reads, repair --from brings it back")
    func backupAndRestore() throws {
        let temp = TemporaryFolder("memberledger-backup")
        let server = try ServerProcess(data: temp.appending("data"), logPath: temp.appending("access.log"))
        _ = try PythonClient.send([Self.genpass] + (1...8).map(Self.updateuser), port: server.port)
        _ = server.stop()
        let backup = try Self.run(["backup", "--data", "data", "--to", "copy"], in: temp)
        #expect(backup.status == 0, "\(backup.output)\(backup.error)")
        #expect(backup.output.contains("9 records") && backup.output.contains("verified"))
        #expect(
            try FileSystem.readFile(temp.appending("copy/journal.jsonl"))
                == FileSystem.readFile(temp.appending("data/journal.jsonl")))
        let snapshot = try Self.run(["snapshot", "--data", "data"], in: temp)
        #expect(snapshot.status == 0)
        let snapshotFile = temp.appending("kept.mls")
        try FileManager.default.copyItem(
            atPath: temp.appending("data/snapshots/snapshot-000000000009.mls"), toPath: snapshotFile)
        // The disk dies: the folder is gone.
        try FileManager.default.removeItem(atPath: temp.appending("data"))
        let restored = try Self.run(["restore", "--data", "data", "--snapshot", "kept.mls"], in: temp)
        #expect(restored.status == 0)
        let show = try Self.run(["show", "member", "1", "--data", "data", "--json"], in: temp)
        #expect(show.status == 0)
        #expect(show.output.contains("u8@example.com"))
        #expect(show.error.contains("RESTORED FROM A SNAPSHOT"))
        #expect(try Self.run(["show", "member", "1", "--data", "data", "--seq", "2"], in: temp).status == 66)
        #expect(try Self.run(["serve", "--data", "data", "--port", "0"], in: temp).status == 66)
        let repair = try Self.run(["repair", "--data", "data", "--from", "copy"], in: temp)
        #expect(repair.status == 0, "\(repair.output)\(repair.error)")
        #expect(repair.output.contains("restored seqs 1–9 byte for byte from copy"))
        let verify = try Self.run(["verify", "--data", "data"], in: temp)
        #expect(verify.status == 0)
        #expect(!FileManager.default.fileExists(atPath: temp.appending("data/restored.json")))
    }
}
