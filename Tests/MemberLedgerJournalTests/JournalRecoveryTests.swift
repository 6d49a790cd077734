import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// A small journal written for the damage sweeps: its bytes and where each line ends.
struct SmallJournal {
    let bytes: [UInt8]
    /// Offsets just past each line's newline (header first).
    let lineEnds: [Int]
    let events: [Event]

    static func make(records: Int = 4) throws -> SmallJournal {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder, clock: SteppingClock().now)
        let events = try (0..<records).map { try writer.append(draft("c\($0)", tags: ["Gold", "ünï"])) }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        let ends = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        return SmallJournal(bytes: bytes, lineEnds: ends, events: events)
    }

    /// The index of the line that holds byte `offset`.
    func lineStart(_ index: Int) -> Int { index == 0 ? 0 : lineEnds[index - 1] }
}

@Suite("Journal recovery: torn tails, corruption, fail-stop")
struct JournalRecoveryTests {
    static let journal = try! SmallJournal.make()

    // Every truncation and every bit flip: see ByteSweepTests (MemberLedgerReliabilityTests), which runs the
    // campaign's sweep over the fixture journal and every scenario's journal.

    @Test("opening repairs a torn tail: quarantined bytes + what remains = the original file")
    func repairTornTail() throws {
        let journal = Self.journal
        let cuts = stride(from: journal.lineEnds[0] + 1, to: journal.bytes.count, by: 37).filter {
            !journal.lineEnds.contains($0)
        }
        for cut in cuts + [journal.bytes.count - 1] {
            let temp = TemporaryFolder()
            let folder = DataFolder(path: temp.appending("data"))
            try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
            try Data(journal.bytes[..<cut]).write(to: URL(fileURLWithPath: folder.journal))
            let writer = try JournalWriter(folder: folder)
            let record = try #require(writer.recovered)
            let remaining = try Data(contentsOf: URL(fileURLWithPath: folder.journal))
            let quarantined = try Data(contentsOf: URL(fileURLWithPath: record.path))
            #expect([UInt8](remaining + quarantined) == Array(journal.bytes[..<cut]), "cut \(cut)")
            let manifest = try String(
                contentsOfFile: record.path.replacingOccurrences(of: ".bin", with: ".json"), encoding: .utf8)
            #expect(manifest.contains("\"offset\":\(record.offset)"))
            #expect(writer.lastRecord.seq == Int64(journal.lineEnds.filter { $0 <= cut }.count - 1))
            // The repaired journal takes new records and verifies.
            try writer.append(draft("after-repair"))
            #expect(try JournalReader(folder: folder).verify().damage == nil)
        }
    }

    @Test("corruption before the tail refuses writing, reads up to it, and a forced repair quarantines from it")
    func refuseCorruption() throws {
        let journal = Self.journal
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        var bytes = journal.bytes
        let target = journal.lineStart(2) + 20  // inside record 2
        bytes[target] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))
        let expected = JournalDamage.corrupt(seq: 2, offset: Int64(journal.lineStart(2)), reason: "")
        #expect {
            try JournalWriter(folder: folder)
        } throws: { error in
            guard case .corrupt(let damage) = error as? JournalError else { return false }
            return damage.offset == expected.offset && "\(damage)".contains("corrupt at seq 2")
        }
        var read: [Int64] = []
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            read.append(event.seq)
            return true
        }
        #expect(read == [1])
        #expect(scan.head.seq == 1)
        let repaired = try JournalWriter(folder: folder, repair: .force)
        #expect(repaired.lastRecord.seq == 1)
        #expect(repaired.recovered?.offset == Int64(journal.lineStart(2)))
        #expect(try JournalReader(folder: folder).verify().damage == nil)
    }

    @Test("a seq gap or broken chain in otherwise valid records is corruption, even at the end")
    func chainBreaks() throws {
        let journal = Self.journal
        // Drop record 2 entirely: record 3 is valid by itself but does not follow record 1.
        let withoutTwo = Array(journal.bytes[..<journal.lineStart(2)]) + Array(journal.bytes[journal.lineEnds[2]...])
        guard case .corrupt(let seq, _, let reason) = JournalReader.scan(bytes: withoutTwo).damage else {
            Issue.record("a missing record was not corruption")
            return
        }
        #expect(seq == 2)
        #expect(reason.contains("gap"))
        // Duplicate the last record.
        let repeated = journal.bytes + Array(journal.bytes[journal.lineStart(4)...])
        #expect(JournalReader.scan(bytes: repeated).damage?.offset == Int64(journal.bytes.count))
    }

    @Test(
        "blocks never written (NUL bytes) after the last record are a torn tail; complete garbage lines are corruption")
    func trailingGarbage() {
        let journal = Self.journal
        for tail in [[UInt8](repeating: 0, count: 4096), [UInt8](repeating: 0, count: 100) + [10, 0, 0]] {
            let scan = JournalReader.scan(bytes: journal.bytes + tail)
            #expect(scan.damage == .tornTail(offset: Int64(journal.bytes.count), reason: scan.damage?.reason ?? ""))
            #expect(scan.head.seq == 4)
        }
        // A complete line was written whole, so it was acknowledged: a bad one is damage to history.
        let scan = JournalReader.scan(bytes: journal.bytes + Array("garbage\nmore garbage\n{\"v\":1}\n".utf8))
        #expect(scan.damage == .corrupt(seq: 5, offset: Int64(journal.bytes.count), reason: scan.damage?.reason ?? ""))
        #expect(scan.head.seq == 4)
    }
}

/// Storage that fails on a chosen call, the way a disk does.
final class FailingStorage: JournalStorage, @unchecked Sendable {
    enum Fault { case syncFails, shortWriteThenEIO, noSpace }
    private let lock = NSLock()
    private var writes = 0
    private let failAt: Int
    private let fault: Fault

    init(_ fault: Fault, atWrite: Int) {
        self.fault = fault
        failAt = atWrite
    }

    func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError) {
        lock.lock()
        writes += 1
        let failing = writes == failAt
        lock.unlock()
        guard failing else { return try file.writeAll(bytes) }
        switch fault {
        case .syncFails: try file.writeAll(bytes)
        case .shortWriteThenEIO:
            try file.writeAll(Array(bytes.prefix(bytes.count / 2)))
            throw SystemError(operation: "write", subject: file.path, code: EIO)
        case .noSpace: throw SystemError(operation: "write", subject: file.path, code: ENOSPC)
        }
    }

    func sync(_ file: FileDescriptor) throws(SystemError) {
        lock.lock()
        let failing = writes == failAt && fault == .syncFails
        lock.unlock()
        if failing { throw SystemError(operation: "fdatasync", subject: file.path, code: EIO) }
        try file.sync()
    }
}

@Suite("Journal fail-stop")
struct JournalFailStopTests {
    @Test(
        "a failed write or sync poisons the writer; reopening recovers every acknowledged record",
        arguments: [FailingStorage.Fault.syncFails, .shortWriteThenEIO, .noSpace])
    func poisoned(fault: FailingStorage.Fault) throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        var acknowledged: [Event] = []
        do {
            let writer = try JournalWriter(folder: folder, storage: FailingStorage(fault, atWrite: 4))
            for index in 0..<3 { acknowledged.append(try writer.append(draft("c\(index)"))) }
            #expect(throws: JournalError.self) { try writer.append(draft("fails")) }
            #expect {
                try writer.append(draft("after"))
            } throws: { error in
                guard case .poisoned = error as? JournalError else { return false }
                return true
            }
        }
        let reopened = try JournalWriter(folder: folder)
        var read: [Event] = []
        try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            read.append(event)
            return true
        }
        #expect(Array(read.prefix(3)) == acknowledged)
        #expect(try JournalReader(folder: folder).verify().damage == nil)
        try reopened.append(draft("fresh"))
        #expect(try JournalReader(folder: folder).verify().damage == nil)
    }
}
