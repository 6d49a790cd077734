import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// A data folder whose journal holds a fixture scenario's events, as recorded.
func journalFolder(with events: [Event], in temp: TemporaryFolder) throws -> DataFolder {
    let folder = DataFolder(path: temp.appending("data"))
    let writer = try JournalWriter(folder: folder, clock: { events.first?.recordedAt ?? Scenario.start })
    for event in events { try writer.append(recorded: event) }
    return folder
}

@Suite("Snapshots and replay")
struct SnapshotReplayTests {
    static let scenarios = try! ScenarioFile.all(in: ScenarioFile.fixturesFolder())

    @Test("replaying the journal of every fixture gives its committed digest", arguments: scenarios)
    func replayFixture(scenario: ScenarioFile) throws {
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        let expected = try String(contentsOf: scenario.digestURL, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        for verify in [true, false] {
            let result = try LedgerReplay(folder: folder).state(verify: verify)
            #expect(result.state.digest == expected)
            #expect(result.damage == nil)
        }
    }

    @Test("a snapshot at any cut plus the tail equals full replay, for every fixture", arguments: scenarios)
    func snapshotPlusTail(scenario: ScenarioFile) throws {
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        let replay = LedgerReplay(folder: folder)
        let full = try replay.state(useSnapshots: false)
        var generator = SplitMix64(seed: UInt64(scenario.events.count))
        let cuts = Set(
            [1, scenario.events.count]
                + (0..<3).map { _ in Int.random(in: 1...scenario.events.count, using: &generator) })
        for cut in cuts.sorted() {
            let atCut = try replay.state(asOf: .seq(Int64(cut)), useSnapshots: false)
            try SnapshotStore(folder: folder).write(atCut.state, at: atCut.position, recordOffset: atCut.recordOffset)
            let fromSnapshot = try replay.state()
            #expect(fromSnapshot.snapshotSeq != nil)
            #expect(fromSnapshot.warnings.isEmpty)
            #expect(fromSnapshot.state.digest == full.state.digest, "cut \(cut)")
            #expect(fromSnapshot.state == full.state, "cut \(cut)")
            let partial = try replay.state(asOf: .seq(Int64(cut)))
            #expect(partial.state.digest == atCut.state.digest)
        }
    }

    @Test("a damaged, foreign or outdated snapshot is skipped with a warning, never trusted")
    func mismatchFallback() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "teams" })
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        let replay = LedgerReplay(folder: folder)
        let full = try replay.state(useSnapshots: false)
        let atCut = try replay.state(asOf: .seq(10), useSnapshots: false)
        let path = try SnapshotStore(folder: folder).write(
            atCut.state, at: atCut.position, recordOffset: atCut.recordOffset)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        var damaged = [UInt8](original)
        damaged[damaged.count - 10] ^= 0x20
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        var result = try replay.state()
        #expect(result.snapshotSeq == nil)
        #expect(result.warnings.count == 1 && result.warnings[0].contains("do not match their digest"))
        #expect(result.state.digest == full.state.digest)

        let newline = try #require(original.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: original[..<newline], as: UTF8.self)
        let stateBytes = original[newline...]
        for (from, to, why) in [
            ("\"reducerVersion\":2", "\"reducerVersion\":99", "reducer version 99"),
            ("\"journalId\":\"", "\"journalId\":\"0", "belongs to journal"),
            ("\"recordOffset\":", "\"recordOffset\":1", "has no record 10"),
        ] {
            let edited = Data(header.replacingOccurrences(of: from, with: to).utf8) + stateBytes
            try edited.write(to: URL(fileURLWithPath: path))
            result = try replay.state()
            #expect(result.snapshotSeq == nil, "\(why)")
            #expect(result.warnings.first?.contains(why) == true, "\(result.warnings)")
            #expect(result.state.digest == full.state.digest)
        }

        // An older good snapshot is used when the newest is bad.
        let older = try replay.state(asOf: .seq(5), useSnapshots: false)
        try SnapshotStore(folder: folder).write(older.state, at: older.position, recordOffset: older.recordOffset)
        result = try replay.state()
        #expect(result.snapshotSeq == 5)
        #expect(result.warnings.count == 1)
        #expect(result.state.digest == full.state.digest)
    }

    @Test("as-of queries by seq and by time match folding the same prefix in memory")
    func asOf() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "subscription-cancel" })
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        let replay = LedgerReplay(folder: folder)
        for seq in 1...Int64(scenario.events.count) {
            let expected = LedgerState().replaying(scenario.events.prefix(Int(seq))).state
            #expect(try replay.state(asOf: .seq(seq)).state == expected)
        }
        let periodEnd = Timestamp(rfc3339: "2026-04-02T09:00:00.000411Z")!
        let before = try replay.state(asOf: .time(periodEnd.adding(seconds: -1))).state
        let after = try replay.state(asOf: .time(periodEnd)).state
        #expect(before.member("42")?.tags.contains("Gold Revoked") == false)
        #expect(after.member("42")?.tags.contains("Gold Revoked") == true)
        #expect(after.lastSeq == before.lastSeq)
        #expect(after.clock == periodEnd)
    }

    @Test("replay streams: a corrupt journal replays up to the damage and says where")
    func stopsAtDamage() throws {
        let scenario = try #require(Self.scenarios.first { $0.name == "coupons" })
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        let lineStarts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        bytes[lineStarts[6] + 30] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))
        let result = try LedgerReplay(folder: folder).state()
        #expect(result.state.lastSeq == 5)
        #expect(result.damage == .corrupt(seq: 6, offset: Int64(lineStarts[6]), reason: result.damage?.reason ?? ""))
    }
}

@Suite("Snapshots from the writer's position")
struct WriterSnapshotTests {
    @Test("the writer's position (also after reopening) makes a snapshot replay accepts")
    func writerPosition() throws {
        let scenario = try #require(SnapshotReplayTests.scenarios.first { $0.name == "teams" })
        let temp = TemporaryFolder()
        let folder = try journalFolder(with: scenario.events, in: temp)
        for reopen in [false, true] {
            let writer = try JournalWriter(folder: folder)
            if !reopen {
                try writer.append(
                    recorded: Event(
                        seq: Int64(scenario.events.count + 1), recordedAt: scenario.events.last!.recordedAt,
                        payload: .memberImported(MemberImported(contact: ContactData(contactID: "new")))))
            }
            let (position, recordOffset) = writer.position
            let state = try LedgerReplay(folder: folder).state(useSnapshots: false).state
            try SnapshotStore(folder: folder).write(state, at: position, recordOffset: recordOffset)
            let replayed = try LedgerReplay(folder: folder).state()
            #expect(replayed.snapshotSeq == position.head.seq)
            #expect(replayed.warnings.isEmpty, "\(replayed.warnings)")
            #expect(replayed.state.digest == state.digest)
        }
    }
}
