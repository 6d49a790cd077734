import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// Recovery as an admin and an auditor meet it through the built binary: `verify` and replay agree,
/// reads are honest about damage and snapshots, and repair keeps every intact record.
@Suite("Recovery: honest reads, strict verify, repair --from and --salvage")
struct RecoveryVerbTests {
    /// A folder whose journal holds the `teams` scenario (26 records), and its path.
    static func teamsFolder() throws -> (TemporaryFolder, DataFolder) {
        let temp = TemporaryFolder("memberledger-recovery")
        let folder = DataFolder(path: temp.appending("ledger-data"))
        let events = try ScenarioFile(url: ScenarioFile.fixturesFolder().appendingPathComponent("teams.jsonl")).events
        let writer = try JournalWriter(folder: folder, clock: { events[0].recordedAt })
        for event in events { try writer.append(recorded: event) }
        return (temp, folder)
    }

    static func run(_ arguments: [String], in temp: TemporaryFolder) throws -> BuiltProduct.Run {
        try BuiltProduct.run(
            "memberledger", arguments, in: temp.path, environment: ["MEMBERLEDGER_HANDSHAKE": "H4ndSh4k3H4ndSh4k3"])
    }

    static func lines(_ folder: DataFolder) throws -> [[UInt8]] {
        try FileSystem.readFile(folder.journal).split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    }

    static func write(_ lines: [[UInt8]], to folder: DataFolder) throws {
        try Data(Array(lines.joined(separator: [10]))).write(to: URL(fileURLWithPath: folder.journal))
    }

    /// Replaces line `index` by `body` sealed with a correct hash and chained to its predecessor: damage a
    /// hash check alone cannot see.
    static func resealed(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        return bytes + Array(#""hash":""#.utf8) + Array(Hex.encode(SHA256.hash(bytes)).utf8) + Array(#""}"#.utf8)
    }

    static func body(of line: [UInt8]) -> String {
        String(decoding: line[..<(line.count - 74)], as: UTF8.self)
    }

    @Test(
        "a record that hashes right but replay cannot read is damage to verify, and every verb exits 1 on it",
        arguments: [
            (#""type":""#, #""type":"bogus.event","x":""#),  // an unknown type
            (#""data":{"#, #""data":{"unknown":1,"#),  // an unknown key
            (#""seq":"#, #""seq": "#),  // a space after seq: the record's start is malformed
        ])
    func verifyAgreesWithReplay(_ change: (from: String, to: String)) throws {
        let (temp, folder) = try Self.teamsFolder()
        var lines = try Self.lines(folder)
        // Record 26 is the last one: a complete last line is acknowledged history, never a torn tail.
        let body = Self.body(of: lines[26]).replacingOccurrences(of: change.from, with: change.to)
        lines[26] = Self.resealed(body)
        try Self.write(lines, to: folder)
        let verify = try Self.run(["verify"], in: temp)
        #expect(verify.status == 1)
        #expect(verify.output.contains("corrupt at seq 26"))
        for verb in [["digest"], ["stats"], ["show", "member", "500"], ["log"], ["serve", "--port", "0"]] {
            let run = try Self.run(verb, in: temp)
            #expect(run.status == 1, "\(verb)")
            #expect(run.error.contains("seq 26"), "\(verb): \(run.error)")
        }
    }

    @Test("an empty journal file is damage: serve refuses it and writes nothing over it")
    func emptyJournal() throws {
        let temp = TemporaryFolder("memberledger-recovery")
        let folder = DataFolder(path: temp.appending("ledger-data"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder.journal, contents: Data())
        let verify = try Self.run(["verify"], in: temp)
        #expect(verify.status == 1)
        #expect(verify.output.contains("corrupt at seq 0, byte 0: the header: the journal is empty"))
        let serve = try Self.run(["serve", "--port", "0"], in: temp)
        #expect(serve.status == 1)
        #expect(try FileSystem.readFile(folder.journal).isEmpty)
    }

    @Test("damage found by a verification is refused by later reads, even from a snapshot before it")
    func honestReads() throws {
        let (temp, folder) = try Self.teamsFolder()
        _ = try Self.run(["snapshot"], in: temp)
        let fresh = try Self.run(["show", "member", "500"], in: temp)
        #expect(fresh.status == 0)
        #expect(fresh.error.contains("answered from the snapshot at seq 26"))
        #expect(fresh.error.contains("never been verified whole"))
        #expect(try Self.run(["verify"], in: temp).status == 0)
        #expect(try Self.run(["show", "member", "500"], in: temp).error.contains("last verified whole at"))
        var bytes = try FileSystem.readFile(folder.journal)
        let offset = Self.lineStart(5, in: bytes)
        bytes[offset + 30] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))
        // The snapshot at 26 hides the damage at seq 5 from a replay; the verification does not.
        #expect(try Self.run(["verify"], in: temp).status == 1)
        let refused = try Self.run(["show", "member", "500"], in: temp)
        #expect(refused.status == 1)
        #expect(refused.error.contains("corrupt at seq 5, byte \(offset)"))
        #expect(try Self.run(["digest"], in: temp).status == 1)
    }

    @Test("repair --from restores the damaged record byte for byte; --salvage keeps every intact record after it")
    func repairKeepsIntact() throws {
        let (temp, folder) = try Self.teamsFolder()
        let replica = temp.appending("replica")
        try FileManager.default.copyItem(atPath: folder.path, toPath: replica)
        let original = try FileSystem.readFile(folder.journal)
        var lines = try Self.lines(folder)
        lines[10][40] ^= 0x04
        lines[11][40] ^= 0x04
        try Self.write(lines, to: folder)
        try FileManager.default.copyItem(atPath: folder.path, toPath: temp.appending("damaged"))

        let plain = try Self.run(["repair"], in: temp)
        #expect(plain.status == 1)
        #expect(plain.output.contains("repair --from DIR"))
        let restored = try Self.run(["repair", "--from", "replica"], in: temp)
        #expect(restored.status == 0, "\(restored.output)\(restored.error)")
        #expect(restored.output.contains("restored seqs 10–11 byte for byte from replica"))
        #expect(restored.output.contains("kept 15 intact records after the damage"))
        #expect(try FileSystem.readFile(folder.journal) == original)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.quarantine).contains { $0.hasSuffix(".bin") })

        let salvaged = try Self.run(["repair", "--salvage", "--data", "damaged"], in: temp)
        #expect(salvaged.status == 0, "\(salvaged.output)\(salvaged.error)")
        #expect(salvaged.output.contains("marked lost: seqs 10–11 lost"))
        #expect(salvaged.output.contains("kept 15 intact records after the damage"))
        let verify = try Self.run(["verify", "--data", "damaged"], in: temp)
        #expect(verify.status == 0)
        #expect(verify.output.contains("intact: 24 records (seqs 1–26, 2 of them lost)"))
        #expect(verify.output.contains("missing from history: seqs 10–11 lost"))
        // Records 12–26 are the very bytes they were.
        let after = try Self.lines(DataFolder(path: temp.appending("damaged")))
        #expect(Array(after[11...]) == Array(try Self.lines(DataFolder(path: replica))[12...]))
        let replay = try Self.run(["replay", "damaged/journal.jsonl"], in: temp)
        #expect(replay.status == 0)
        #expect(replay.output.contains("events: 24\nhead seq: 26"))
        // The log says where history has its hole.
        let log = try Self.run(["log", "--data", "damaged", "--json", "--limit", "0"], in: temp)
        #expect(log.output.contains(#""seq":10,"#) && log.output.contains("journal.lost"))
    }

    @Test("replay reads a journal file, header and chain checked")
    func replayJournalFile() throws {
        let (temp, folder) = try Self.teamsFolder()
        let run = try Self.run(["replay", "ledger-data/journal.jsonl"], in: temp)
        #expect(run.status == 0)
        let scenario = try String(
            contentsOf: ScenarioFile.fixturesFolder().appendingPathComponent("teams.digest"), encoding: .utf8)
        #expect(run.output.contains("state digest: \(scenario.trimmingCharacters(in: .whitespacesAndNewlines))"))
        var lines = try Self.lines(folder)
        lines.remove(at: 4)
        try Self.write(lines, to: folder)
        let gap = try Self.run(["replay", "ledger-data/journal.jsonl"], in: temp)
        #expect(gap.status == 1)
        #expect(gap.error.contains("corrupt at seq 4"))
    }

    @Test("a repair of a torn tail quarantines the snapshot beyond the new head")
    func snapshotBeyondHead() throws {
        let (temp, folder) = try Self.teamsFolder()
        _ = try Self.run(["snapshot"], in: temp)
        let bytes = try FileSystem.readFile(folder.journal)
        // A journal cut mid-record (as a restored backup of a crash could be), with the snapshot at 26.
        try Data(bytes[..<(Self.lineStart(26, in: bytes) + 20)]).write(to: URL(fileURLWithPath: folder.journal))
        let repair = try Self.run(["repair"], in: temp)
        #expect(repair.status == 0)
        #expect(repair.output.contains("snapshot at seq 26 is not backed by the journal"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.snapshots).isEmpty)
    }

    static func lineStart(_ index: Int, in bytes: [UInt8]) -> Int {
        bytes.indices.filter { bytes[$0] == 10 }[index - 1] + 1
    }
}

@Suite("Recovery at opening")
struct RecoveryAtOpeningTests {
    @Test("a writer that cuts a torn tail also sets aside the snapshot beyond the new head, and says so")
    func writerQuarantinesSnapshotBeyondHead() throws {
        let (temp, folder) = try RecoveryVerbTests.teamsFolder()
        _ = try RecoveryVerbTests.run(["snapshot"], in: temp)
        let bytes = try FileSystem.readFile(folder.journal)
        try Data(bytes[..<(RecoveryVerbTests.lineStart(26, in: bytes) + 20)])
            .write(to: URL(fileURLWithPath: folder.journal))
        // What the server's scrub reports about snapshots: this one is no longer backed by the journal.
        let problems = JournalSalvage(folder: folder).snapshotProblems()
        #expect(problems.count == 1 && problems[0].hasPrefix("snapshot at seq 26 is not backed by the journal"))
        let writer = try JournalWriter(folder: folder)
        #expect(writer.recovered != nil)
        #expect(writer.lastRecord.seq == 25)
        #expect(writer.snapshotsQuarantined.count == 1)
        #expect(writer.snapshotsQuarantined.first?.contains("snapshot at seq 26") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.snapshots).isEmpty)
        // Reads then start from seq 1 without a warning about a snapshot beyond the head.
        #expect(try LedgerReplay(folder: folder).state().warnings.isEmpty)
    }
}
