import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting

/// `memberledger snapshot` and `memberledger repair --force` SIGKILLed at seeded moments while they work.
/// After a killed snapshot, replay with snapshots must give the same state as replay from seq 1 (a torn
/// snapshot is never used). After a killed repair, finishing the repair must leave exactly the records
/// before the damage, with everything from the damage on kept in quarantine: nothing lost, nothing
/// invented.
public struct MaintenanceKillCampaign: Sendable {
    /// A data folder with a journal of some thousands of records (the crash loop's), left unchanged.
    public let source: String
    /// Scratch space for the copies each round works on.
    public let scratch: String

    /// A campaign over copies of `source`, working in `scratch`.
    public init(source: String, scratch: String) {
        self.source = source
        self.scratch = scratch
    }

    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `rounds` killed snapshots and `rounds` killed repairs from `seed`.
    public func run(rounds: Int, seed: UInt64) -> CampaignReport {
        var report = CampaignReport(name: "kills during snapshot and repair")
        guard let executable = BuiltProduct.path("memberledger") else {
            report.failures.append(.init(seed: seed, message: "memberledger is not built"))
            return report
        }
        var random = SplitMix64(seed: seed)
        for round in 0..<rounds {
            let roundSeed = random.next()
            do {
                try snapshotRound(round, seed: roundSeed, executable: executable, report: &report)
                try repairRound(round, seed: roundSeed, executable: executable, report: &report)
            } catch {
                report.failures.append(.init(seed: roundSeed, message: "round \(round): \(error)"))
            }
        }
        return report
    }

    /// A fresh copy of the source folder's journal (and nothing else) for round `name`.
    func copy(_ name: String) throws -> DataFolder {
        let folder = DataFolder(path: "\(scratch)/\(name)")
        try? FileManager.default.removeItem(atPath: folder.path)
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: DataFolder(path: source).journal, toPath: folder.journal)
        return folder
    }

    /// Runs `arguments` and SIGKILLs it after a seeded delay up to `within` seconds; true if it was
    /// killed before it finished.
    func killed(_ executable: String, _ arguments: [String], within: Double, random: inout SplitMix64) throws -> Bool {
        let child = try ChildProcess(executable, arguments)
        let delay = Double.random(in: 0...within, using: &random)
        usleep(useconds_t(delay * 1_000_000))
        child.send(SIGKILL)
        return child.wait().signal == SIGKILL
    }

    func snapshotRound(_ round: Int, seed: UInt64, executable: String, report: inout CampaignReport) throws {
        var random = SplitMix64(seed: seed)
        let folder = try copy("snapshot-\(round)")
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let started = Date()
        _ = try ChildProcess.run(executable, ["snapshot", "--data", folder.path])
        let duration = Date().timeIntervalSince(started)
        // A finished snapshot exists; now kill the next one somewhere in its work (it rewrites the same
        // file name, so a torn write would shadow a good snapshot if it were ever trusted).
        try FileManager.default.removeItem(atPath: folder.snapshots)
        if try killed(executable, ["snapshot", "--data", folder.path], within: duration * 1.2, random: &random) {
            report.count("snapshots killed")
        }
        let replay = LedgerReplay(folder: folder)
        let fromSnapshot = try replay.state(useSnapshots: true)
        let fromStart = try replay.state(useSnapshots: false)
        guard fromSnapshot.state.digest == fromStart.state.digest else {
            throw Broken(description: "after a killed snapshot, replay with snapshots gives another state")
        }
        if fromSnapshot.snapshotSeq != nil { report.count("snapshots complete despite the kill") }
        report.count("snapshot rounds")
    }

    func repairRound(_ round: Int, seed: UInt64, executable: String, report: inout CampaignReport) throws {
        var random = SplitMix64(seed: seed)
        let folder = try copy("repair-\(round)")
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        var original = try FileSystem.readFile(folder.journal)
        // Damage one byte inside a record in the middle: corruption before the tail, for `--force`.
        let newlines = original.indices.filter { original[$0] == UInt8(ascii: "\n") }
        let line = Int.random(in: (newlines.count / 4)...(newlines.count / 2), using: &random)
        let damageAt = newlines[line] + 1 + 30
        original[damageAt] ^= 0x04
        try Data(original).write(to: URL(fileURLWithPath: folder.journal))
        let goodLength = Int(JournalReader.scan(bytes: original).damage?.offset ?? -1)
        guard goodLength > 0 else { throw Broken(description: "the damage was not detected") }

        let started = Date()
        let probe = try copy("repair-probe-\(round)")
        try Data(original).write(to: URL(fileURLWithPath: probe.journal))
        _ = try ChildProcess.run(executable, ["repair", "--force", "--data", probe.path])
        let duration = Date().timeIntervalSince(started)
        try? FileManager.default.removeItem(atPath: probe.path)

        if try killed(
            executable, ["repair", "--force", "--data", folder.path], within: duration * 1.2, random: &random)
        {
            report.count("repairs killed")
        }
        let finished = try ChildProcess.run(executable, ["repair", "--force", "--data", folder.path])
        guard finished.status == 0 else {
            throw Broken(description: "repair after the kill failed: \(finished.stderr)")
        }
        let kept = try FileSystem.readFile(folder.journal)
        guard kept.elementsEqual(original[..<goodLength]) else {
            throw Broken(description: "after a killed repair the journal is not the records before the damage")
        }
        let tail = Array(original[goodLength...])
        let quarantined = try FileSystem.contents(of: folder.quarantine).filter { $0.hasSuffix(".bin") }
        let holding = try quarantined.filter { name in
            try FileSystem.readFile("\(folder.quarantine)/\(name)") == tail
                && FileSystem.exists("\(folder.quarantine)/\(name.dropLast(4)).json")
        }
        guard !holding.isEmpty else {
            throw Broken(description: "after a killed repair no quarantine file with a manifest holds the damaged tail")
        }
        report.count("partial quarantine copies left by a kill", quarantined.count - holding.count)
        report.count("repair rounds")
    }
}
