import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting

/// Seeded runs of appends over a `SimulatedDisk` that fails once, then crashes; each run checks that the
/// writer stopped (fail-stop), that the crashed file is clean or a torn tail (never "corrupt"), that
/// reopening recovers it with quarantined bytes + journal = the crashed file, that every acknowledged
/// record is there byte for byte, and that the reopened journal verifies and takes a new append.
public struct StorageFaultCampaign: Sendable {
    /// A folder for the runs' data folders (one at a time, removed after each run).
    public let scratch: String

    /// A campaign working in `scratch`.
    public init(scratch: String) {
        self.scratch = scratch
    }

    /// Runs every seed in `seeds` and reports.
    public func run(seeds: some Sequence<UInt64>) -> CampaignReport {
        var report = CampaignReport(name: "storage faults")
        for seed in seeds {
            report.count("runs")
            do {
                try runOne(seed: seed, report: &report)
            } catch {
                report.failures.append(.init(seed: seed, message: "\(error)"))
            }
        }
        return report
    }

    /// What a run found wrong.
    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    /// One seeded run.
    func runOne(seed: UInt64, report: inout CampaignReport) throws {
        var random = SplitMix64(seed: seed)
        let fault = SimulatedDisk.Fault.allCases[Int.random(in: 0..<SimulatedDisk.Fault.allCases.count, using: &random)]
        let disk = SimulatedDisk(fault: fault, atWrite: Int.random(in: 1...24, using: &random))
        let folder = DataFolder(path: "\(scratch)/run-\(seed)")
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try? FileManager.default.removeItem(atPath: folder.path)

        var acknowledged: [Int64: [UInt8]] = [:]
        var stoppedBy: JournalError?
        do {
            let writer = try JournalWriter(
                folder: folder, storage: disk, clock: { Timestamp(microseconds: 1_767_225_600_000_000) })
            var index = 0
            while index < 30 && stoppedBy == nil {
                // Single appends and batches, so a fault can strike a record alone or a group commit.
                let size = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 2...6, using: &random) : 1
                let drafts = (0..<size).map { offset in Self.draft(seed: seed, index: index + offset) }
                index += size
                do {
                    for event in try writer.append(contentsOf: drafts) { acknowledged[event.seq] = Self.content(event) }
                } catch {
                    stoppedBy = error
                }
            }
            if stoppedBy != nil {
                // Fail-stop: nothing more is taken, whatever the fault was.
                let after: Result<Event, JournalError> = Result { () throws(JournalError) in
                    try writer.append(Self.draft(seed: seed, index: 999))
                }
                switch after {
                case .success: throw Broken(description: "an append after a \(fault.rawValue) was acknowledged")
                case .failure(.poisoned): break
                case .failure(let error):
                    throw Broken(description: "an append after the fault failed with \(error), not .poisoned")
                }
            }
        }
        if disk.struck {
            report.count("faults injected")
            report.count(fault.rawValue)
        }
        let dropped = try disk.crash(journal: folder.journal, random: &random)
        report.count("unsynced bytes lost", Int(dropped))

        let crashed = try FileSystem.readFile(folder.journal)
        let scan = JournalReader.scan(bytes: crashed)
        if case .corrupt(let seq, let offset, let reason) = scan.damage {
            throw Broken(
                description:
                    "after a \(fault.rawValue) the file reads as corrupt at seq \(seq), offset \(offset): \(reason)")
        }
        if scan.damage != nil { report.count("torn tails classified") }

        let reopened = try JournalWriter(folder: folder)
        if let quarantined = reopened.recovered {
            let moved = try FileSystem.readFile(quarantined.path)
            let kept = try FileSystem.readFile(folder.journal)
            guard kept + moved == crashed else {
                throw Broken(description: "quarantined bytes + journal differ from the crashed file")
            }
        }
        var found: [Int64: [UInt8]] = [:]
        let reread = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            found[event.seq] = Self.content(event)
            return true
        }
        for (seq, content) in acknowledged.sorted(by: { $0.key < $1.key }) where found[seq] != content {
            report.count("acknowledged events lost")
            throw Broken(description: "acknowledged seq \(seq) is missing or changed after a \(fault.rawValue)")
        }
        report.count("acknowledged events checked", acknowledged.count)
        guard reread.damage == nil else { throw Broken(description: "the recovered journal does not verify") }
        _ = try reopened.append(Self.draft(seed: seed, index: 1000))
    }

    /// The content of an event as its record line (without the chain), for byte-for-byte comparison.
    static func content(_ event: Event) -> [UInt8] {
        JournalFormat.recordLine(event, previousHash: "").line
    }

    /// A realistic webhook for run `seed`, append `index`.
    static func draft(seed: UInt64, index: Int) -> EventDraft {
        let contact = ContactData(
            contactID: "s\(seed)-\(index)", email: "m\(index)@example.com", tags: ["Gold", "Run \(seed % 97)"])
        return EventDraft(.webhookReceived(WebhookReceived(command: WebhookCommand(.updateUser, contact: contact))))
    }
}
