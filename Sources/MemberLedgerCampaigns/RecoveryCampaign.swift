import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting

/// Byte damage at random offsets, then repair, for many seeds: with a replica present every record must
/// come back byte for byte (0 lost); without one, `repair --salvage` must keep every record the damage did
/// not touch, byte for byte, mark exactly the damaged seqs lost, and leave a journal that verifies.
public struct RecoveryCampaign: Sendable {
    /// Where the seeds' folders are made (each removed after its seed).
    public let scratch: String

    /// A campaign working in `scratch`.
    public init(scratch: String) {
        self.scratch = scratch
    }

    /// One seeded damage: up to three spots, each a flipped bit, a run of zeroed bytes or random bytes (the
    /// file keeps its length, as bit rot and a misdirected write do). The header is left alone: without it
    /// only a replica can help, which the replica half covers.
    static func damage(_ journal: [UInt8], seed: UInt64) -> (bytes: [UInt8], touched: [Range<Int>]) {
        var random = SplitMix64(seed: seed)
        var bytes = journal
        let headerEnd = (journal.firstIndex(of: 10) ?? 0) + 1
        var touched: [Range<Int>] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let start = Int.random(in: headerEnd..<journal.count, using: &random)
            let length = min(journal.count - start, Int.random(in: 1...64, using: &random))
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                bytes[start] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
                touched.append(start..<(start + 1))
            case 1:
                for index in start..<(start + length) { bytes[index] = 0 }
                touched.append(start..<(start + length))
            default:
                for index in start..<(start + length) { bytes[index] = UInt8.random(in: 0...255, using: &random) }
                touched.append(start..<(start + length))
            }
        }
        return (bytes, touched)
    }

    /// Runs `seeds` over the first `records` records of `source`'s journal (which must verify) and reports.
    public func run(source: DataFolder, seeds: Range<UInt64>, records: Int = 2_000) -> CampaignReport {
        var report = CampaignReport(name: "recovery from byte damage")
        guard let whole = try? FileSystem.readFile(source.journal) else {
            report.failures.append(.init(seed: 0, message: "no journal at \(source.journal)"))
            return report
        }
        let lines = Self.lineRanges(whole)
        let original = Array(whole[..<(lines.count > records ? lines[records].upperBound : whole.count)])
        let lineRanges = Self.lineRanges(original)
        for seed in seeds {
            let (damaged, touched) = Self.damage(original, seed: seed)
            guard damaged != original else { continue }
            let folder = "\(scratch)/seed-\(seed)"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            do {
                report.count("damaged journals")
                // With a replica: everything back, byte for byte.
                let withReplica = DataFolder(path: "\(folder)/primary")
                let replica = DataFolder(path: "\(folder)/replica")
                try FileManager.default.createDirectory(atPath: replica.path, withIntermediateDirectories: true)
                try Data(original).write(to: URL(fileURLWithPath: replica.journal))
                try FileManager.default.createDirectory(atPath: withReplica.path, withIntermediateDirectories: true)
                try Data(damaged).write(to: URL(fileURLWithPath: withReplica.journal))
                _ = try JournalSalvage(folder: withReplica).repair(from: replica, salvage: false, now: Self.now)
                if try FileSystem.readFile(withReplica.journal) != original {
                    report.failures.append(.init(seed: seed, message: "repair --from did not restore every byte"))
                } else {
                    report.count("restored byte for byte from a replica")
                }
                // Without one: every untouched record kept, the damaged ones marked lost.
                let alone = DataFolder(path: "\(folder)/alone")
                try FileManager.default.createDirectory(atPath: alone.path, withIntermediateDirectories: true)
                try Data(damaged).write(to: URL(fileURLWithPath: alone.journal))
                let salvage = try JournalSalvage(folder: alone).repair(from: nil, salvage: true, now: Self.now)
                let result = try FileSystem.readFile(alone.journal)
                let scan = JournalReader.scan(bytes: result)
                let kept = Set(Self.lineRanges(result).map { Array(result[$0]) })
                let untouched = lineRanges.dropFirst().filter { line in !touched.contains { $0.overlaps(line) } }
                let missing = untouched.filter { !kept.contains(Array(original[$0])) }
                let lostSeqs = salvage.lost.reduce(0) { $0 + $1.seqs.count }
                report.count("intact records after damage kept", untouched.count - missing.count)
                report.count("records marked lost", lostSeqs)
                if scan.damage != nil {
                    report.failures.append(.init(seed: seed, message: "the salvaged journal does not verify"))
                } else if !missing.isEmpty {
                    report.failures.append(
                        .init(seed: seed, message: "\(missing.count) untouched records were not kept by --salvage"))
                } else if lostSeqs > lineRanges.count - 1 - untouched.count {
                    report.failures.append(
                        .init(seed: seed, message: "\(lostSeqs) seqs marked lost for fewer damaged records"))
                }
            } catch {
                report.failures.append(.init(seed: seed, message: "\(error)"))
            }
        }
        return report
    }

    /// Each line's byte range, its newline included.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 10 {
            ranges.append(start..<(index + 1))
            start = index + 1
        }
        return ranges
    }

    private static let now = Timestamp(rfc3339: "2026-12-06T00:00:00Z")!
}
