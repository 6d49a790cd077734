import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// Damage at every byte: each truncation and each single-bit flip of a journal must be classified as
/// `Docs/journal-format.md` specifies (a cut mid-record is a torn tail at that line's start, a cut on a
/// line end is clean, a cut in or before the header is corruption at seq 0; a flipped bit anywhere is
/// corruption at its line's start, even in the last line's newline: no torn write leaves a whole line
/// with a changed byte), and each
/// truncation and flip of a snapshot must make replay fall back to the journal, never give a wrong state.
public struct ByteSweepCampaign: Sendable {
    /// A sweep over journals and snapshots.
    public init() {}

    /// Every truncation and every bit flip of `journal` (stepping `stride` bytes between flipped bytes).
    public func sweepJournal(_ journal: [UInt8], stride step: Int = 1, report: inout CampaignReport) {
        let lineEnds = journal.indices.filter { journal[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        let lastLine = lineEnds.count - 1
        func line(of offset: Int) -> Int { lineEnds.firstIndex { offset < $0 } ?? lastLine }
        func lineStart(_ index: Int) -> Int { index == 0 ? 0 : lineEnds[index - 1] }
        func fail(_ message: String) { report.failures.append(.init(seed: 0, message: message)) }

        for cut in 0...journal.count {
            report.count("journal truncations")
            let scan = JournalReader.scan(bytes: Array(journal[..<cut]))
            let goodLength = lineEnds.last { $0 <= cut } ?? 0
            let reason = scan.damage?.reason ?? ""
            let expected: JournalDamage? =
                goodLength == 0
                ? .corrupt(seq: 0, offset: 0, reason: reason)
                : cut == goodLength ? nil : .tornTail(offset: Int64(goodLength), reason: reason)
            if scan.damage != expected || scan.goodLength != Int64(goodLength) {
                fail("cut at \(cut) classified \(scan.damage.map { "\($0)" } ?? "clean")")
            }
        }
        for offset in Swift.stride(from: 0, to: journal.count, by: step) {
            for bit in 0..<8 {
                var bytes = journal
                bytes[offset] ^= 1 << bit
                report.count("journal bit flips")
                let scan = JournalReader.scan(bytes: bytes)
                let hit = line(of: offset)
                switch scan.damage {
                case nil:
                    fail("flip of bit \(bit) at byte \(offset) went unnoticed")
                case .corrupt(_, let at, _) where at == Int64(lineStart(hit)):
                    report.count("classified corrupt")
                case let damage?:
                    fail("flip of bit \(bit) at byte \(offset) classified \(damage)")
                }
            }
        }
    }

    /// Every truncation and every bit flip (both stepping `stride` bytes) of the newest snapshot in `folder`:
    /// replay with snapshots must give the state replay from seq 1 gives.
    public func sweepSnapshot(in folder: DataFolder, stride step: Int = 1, report: inout CampaignReport) throws {
        let replay = LedgerReplay(folder: folder)
        let truth = try replay.state(useSnapshots: false).state.digest
        guard let snapshot = SnapshotStore(folder: folder).list().last else {
            report.failures.append(.init(seed: 0, message: "no snapshot to sweep in \(folder.path)"))
            return
        }
        let original = try FileSystem.readFile(snapshot.path)
        defer { try? Data(original).write(to: URL(fileURLWithPath: snapshot.path)) }
        func check(_ bytes: [UInt8], _ what: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: snapshot.path))
            let result = try replay.state(useSnapshots: true)
            if result.state.digest != truth {
                report.failures.append(.init(seed: 0, message: "\(what): replay gave a wrong state"))
            } else if result.snapshotSeq == nil {
                report.count("fell back to the journal")
            } else {
                report.count("used, state right")
                if report.notes.count < 10 { report.notes.append("\(what): accepted, state right") }
            }
        }
        for cut in Swift.stride(from: 0, to: original.count, by: step) {
            report.count("snapshot truncations")
            try check(Array(original[..<cut]), "snapshot cut at \(cut)")
        }
        for offset in Swift.stride(from: 0, to: original.count, by: step) {
            for bit in 0..<8 {
                var bytes = original
                bytes[offset] ^= 1 << bit
                report.count("snapshot bit flips")
                try check(bytes, "snapshot bit \(bit) of byte \(offset)")
            }
        }
    }
}

extension ByteSweepCampaign {
    /// A data folder at `path` holding `events` as a journal (recorded times kept) and a snapshot at its
    /// head: the input of a snapshot sweep.
    public static func folder(with events: [Event], at path: String) throws -> DataFolder {
        let folder = DataFolder(path: path)
        do {
            let writer = try JournalWriter(
                folder: folder, clock: { events.first?.recordedAt ?? Timestamp(microseconds: 0) },
                newJournalID: "0123456789abcdef0123456789abcdef")
            for event in events { try writer.append(recorded: event) }
        }
        let result = try LedgerReplay(folder: folder).state(useSnapshots: false)
        try SnapshotStore(folder: folder).write(result.state, at: result.position, recordOffset: result.recordOffset)
        return folder
    }
}
