import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// The journal verbs of the built `memberledger` binary: output and exit codes.
@Suite("memberledger verify, repair, snapshot, digest")
struct JournalCommandTests {
    static func memberledger(_ arguments: [String], in directory: String) throws -> BuiltProduct.Run {
        try BuiltProduct.run("memberledger", arguments, in: directory)
    }

    static let vectors = ScenarioFile.fixturesFolder().deletingLastPathComponent()
        .appendingPathComponent("journals/three-records.jsonl")
    static let head = "3:8e84f622409a4e96c789b5966ebce692e20517b0051e8c7006af62ddcbffc34c"

    /// A folder holding a copy of the test-vector journal in `ledger-data/`.
    static func vectorFolder() throws -> TemporaryFolder {
        let temp = TemporaryFolder()
        try FileManager.default.createDirectory(
            atPath: temp.appending("ledger-data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: vectors.path, toPath: temp.appending("ledger-data/journal.jsonl"))
        return temp
    }

    @Test("verify: 0 intact, 1 damaged with seq and offset, 66 no journal; --expect-head proves a head")
    func verify() throws {
        let temp = try Self.vectorFolder()
        let intact = try Self.memberledger(["verify"], in: temp.path)
        #expect(intact.status == 0)
        #expect(intact.output == "intact: 3 records, head \(Self.head)\n")
        #expect(try Self.memberledger(["verify", "--expect-head", Self.head], in: temp.path).status == 0)
        let rewritten = try Self.memberledger(
            ["verify", "--expect-head", "2:" + String(repeating: "0", count: 64)], in: temp.path)
        #expect(rewritten.status == 1)
        #expect(rewritten.output.contains("head check failed: record 2"))
        #expect(try Self.memberledger(["verify", "--data", "missing"], in: temp.path).status == 66)
        let usage = try Self.memberledger(["verify", "--expect"], in: temp.path)
        #expect(usage.status == 64)
        #expect(usage.error.contains("did you mean --expect-head?"))

        var bytes = [UInt8](try Data(contentsOf: Self.vectors))
        let secondLine = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 1
        bytes[secondLine + 40] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: temp.appending("ledger-data/journal.jsonl")))
        let damaged = try Self.memberledger(["verify"], in: temp.path)
        #expect(damaged.status == 1)
        #expect(damaged.output.contains("corrupt at seq 1, byte \(secondLine)"))
        let refused = try Self.memberledger(["repair"], in: temp.path)
        #expect(refused.status == 1)
        #expect(refused.output.contains("repair --force"))
        let forced = try Self.memberledger(["repair", "--force"], in: temp.path)
        #expect(forced.status == 0)
        #expect(forced.output.contains("repaired: moved"))
        #expect(try Self.memberledger(["verify"], in: temp.path).output.hasPrefix("intact: 0 records"))
    }

    @Test("digest and snapshot agree, and a snapshot is used by the next replay")
    func digestAndSnapshot() throws {
        let temp = try Self.vectorFolder()
        let digest = try Self.memberledger(["digest"], in: temp.path)
        #expect(digest.status == 0)
        #expect(digest.output.hasPrefix("head seq: 3\nchain hash: 8e84f622"))
        let snapshot = try Self.memberledger(["snapshot"], in: temp.path)
        #expect(snapshot.status == 0)
        let stateDigest = try #require(digest.output.split(separator: "\n").last)
        #expect(snapshot.output.contains(String(stateDigest)))
        #expect(try Self.memberledger(["digest"], in: temp.path).output == digest.output)
        let replayed = try LedgerReplay(folder: DataFolder(path: temp.appending("ledger-data"))).state()
        #expect(replayed.snapshotSeq == 3)
        #expect(replayed.warnings.isEmpty)
    }

    @Test("rebuild quarantines a snapshot whose binding to the journal is wrong and exits 1; a new one is trusted")
    func rebuildReplaces() throws {
        let temp = try Self.vectorFolder()
        _ = try Self.memberledger(["snapshot"], in: temp.path)
        let path = temp.appending("ledger-data/snapshots/snapshot-000000000003.mls")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let newline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: bytes[..<newline], as: UTF8.self)
        try
            (Data(header.replacingOccurrences(of: "\"recordOffset\":", with: "\"recordOffset\":1").utf8)
            + bytes[newline...])
            .write(to: URL(fileURLWithPath: path))
        #expect(try LedgerReplay(folder: DataFolder(path: temp.appending("ledger-data"))).state().snapshotSeq == nil)
        let rebuild = try Self.memberledger(["rebuild"], in: temp.path)
        #expect(rebuild.status == 1)
        #expect(
            rebuild.output.contains(
                "snapshot at seq 3: disagrees (its record offset differs from the journal's): moved to"))
        #expect(rebuild.output.contains("history differs from the snapshot's somewhere in seqs 1–3"))
        // Evidence is kept, never replaced: the snapshot and its manifest are in quarantine.
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: temp.appending("ledger-data/quarantine"))
        #expect(quarantined.filter { $0.hasPrefix("snapshot-000000000003.mls-") }.count == 2)
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try Self.memberledger(["snapshot"], in: temp.path)
        let replayed = try LedgerReplay(folder: DataFolder(path: temp.appending("ledger-data"))).state()
        #expect(replayed.snapshotSeq == 3)
        #expect(replayed.warnings.isEmpty)
    }

    @Test("import accepts a byte-order mark and never stores a password column")
    func importSecrets() throws {
        let temp = TemporaryFolder()
        let csv = [0xEF, 0xBB, 0xBF] + Array("contactId,email,password\n1,a@example.com,hunter2hunter2\n".utf8)
        try Data(csv).write(to: URL(fileURLWithPath: temp.appending("members.csv")))
        let run = try Self.memberledger(["import", "members.csv"], in: temp.path)
        #expect(run.status == 0, "\(run.error)")
        let journal = try String(contentsOfFile: temp.appending("ledger-data/journal.jsonl"), encoding: .utf8)
        #expect(journal.contains("a@example.com"))
        #expect(!journal.contains("hunter2"))
    }
}
