import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerSystem
import Synchronization

/// The server's scrub: re-verifies the whole journal (every line as `verify` reads it) and every
/// snapshot's binding to it, on a thread of its own while the writer keeps appending: at start, then every
/// `scrubInterval` seconds, and on the console's "verify now". A scheduled scrub reads at most
/// `scrubBytesPerSecond`, on a thread below the event loops' priority, so it takes only what ingest leaves
/// of the disk and the cores. Each result is kept in
/// `DIR/verified.json` for the read verbs and shown in `/api/journal`, `/healthz`, `/metrics` and the
/// console's health page; damage to acknowledged records is handed to `onDamage`, which stops writes, so
/// that nothing is appended after a hole.
final class JournalVerification: Sendable {
    private struct Status {
        var running = false
        var bytesRead: Int64 = 0
        var totalBytes: Int64 = 0
        var records: Int64 = 0
        var result: String?
        var intact: Bool?
        var finishedAt: Timestamp?
        var damage: JournalDamage?
        var snapshotProblems: [String] = []
        var runs: Int64 = 0
    }

    private let status = Mutex(Status())
    private let folder: DataFolder
    private let clock: @Sendable () -> Timestamp
    private let onDamage: @Sendable (JournalDamage) -> Void
    private let stopping = Atomic<Bool>(false)

    /// Verification of `folder`'s journal; `onDamage` hears of corruption found.
    init(
        folder: DataFolder, clock: @escaping @Sendable () -> Timestamp,
        onDamage: @escaping @Sendable (JournalDamage) -> Void
    ) {
        self.folder = folder
        self.clock = clock
        self.onDamage = onDamage
    }

    /// Scrubs now and then every `interval` seconds (none when 0), each at most `bytesPerSecond`.
    func schedule(every interval: Double, bytesPerSecond: Double) {
        Thread.detachNewThread { [self] in
            ThreadPriority.lower(by: 10)
            while !stopping.load(ordering: .relaxed) {
                _ = run(bytesPerSecond: bytesPerSecond)
                guard interval > 0 else { return }
                var waited = 0.0
                while waited < interval && !stopping.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: min(0.25, interval - waited))
                    waited += 0.25
                }
            }
        }
    }

    /// Ends the schedule (a scrub under way finishes its read).
    func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    /// Starts an unthrottled verification now; false when one is running already.
    func start() -> Bool {
        guard reserve() else { return false }
        Thread.detachNewThread { [self] in
            ThreadPriority.lower(by: 10)
            verify(bytesPerSecond: nil)
        }
        return true
    }

    /// Runs one scrub on this thread; false when one was running already.
    private func run(bytesPerSecond: Double) -> Bool {
        guard reserve() else { return false }
        verify(bytesPerSecond: bytesPerSecond)
        return true
    }

    private func reserve() -> Bool {
        let total = (try? FileManager.default.attributesOfItem(atPath: folder.journal)[.size] as? Int).map(Int64.init)
        return status.withLock { status in
            guard !status.running else { return false }
            status.running = true
            status.bytesRead = 0
            status.records = 0
            status.totalBytes = total ?? 0
            return true
        }
    }

    private func verify(bytesPerSecond: Double?) {
        let started = DispatchTime.now().uptimeNanoseconds
        var result: String
        var damage: JournalDamage?
        var problems: [String] = []
        do {
            let scan = try JournalReader(folder: folder).verify { bytes, records in
                self.status.withLock {
                    $0.bytesRead = bytes
                    $0.records = records
                }
                // Throttled by sleeping whenever reading is ahead of the allowed rate.
                if let bytesPerSecond {
                    let allowed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 * bytesPerSecond
                    if Double(bytes) > allowed + 1_048_576 {
                        Thread.sleep(forTimeInterval: (Double(bytes) - allowed) / bytesPerSecond)
                    }
                }
            }
            problems = JournalSalvage(folder: folder).snapshotProblems()
            if case .corrupt? = scan.damage { damage = scan.damage }
            VerificationRecord(scan, verifiedAt: clock()).save(in: folder)
            result =
                damage.map { "damaged: \($0)" }
                ?? "intact: \(scan.head.seq) records, head \(scan.head)"
                + (problems.isEmpty ? "" : "; snapshots: " + problems.joined(separator: "; "))
        } catch {
            result = "could not be read: \(error)"
        }
        let finished = result
        let found = damage
        let snapshotProblems = problems
        let now = clock()
        status.withLock {
            $0.running = false
            $0.result = finished
            $0.intact = found == nil && !finished.hasPrefix("could not")
            $0.damage = found
            $0.finishedAt = now
            $0.snapshotProblems = snapshotProblems
            $0.runs += 1
        }
        if let found { onDamage(found) }
    }

    /// Damage the last scrub found, if any.
    var damage: JournalDamage? { status.withLock { $0.damage } }

    /// The progress and the last result, as `/api/journal`'s `verification` and `/healthz`'s `scrub`.
    var json: JSONValue {
        let status = status.withLock { $0 }
        return .object([
            ("running", .bool(status.running)), ("bytesRead", .int(status.bytesRead)),
            ("totalBytes", .int(status.totalBytes)), ("records", .int(status.records)),
            ("intact", status.intact.map { .bool($0) } ?? .null),
            ("result", status.result.map { .string($0) } ?? .null),
            ("finishedAt", status.finishedAt.map { .string($0.rfc3339) } ?? .null),
            ("damage", status.damage.map { .string($0.description) } ?? .null),
            ("snapshotProblems", .array(status.snapshotProblems.map { .string($0) })),
        ])
    }

    /// Prometheus lines: when the last scrub finished, whether it found damage, how many ran.
    var metrics: [String] {
        let status = status.withLock { $0 }
        return [
            "# HELP memberledger_scrub_runs_total Whole-journal verifications finished since start.",
            "# TYPE memberledger_scrub_runs_total counter",
            "memberledger_scrub_runs_total \(status.runs)",
            "# HELP memberledger_scrub_damaged Whether the last verification found damage to acknowledged records.",
            "# TYPE memberledger_scrub_damaged gauge",
            "memberledger_scrub_damaged \(status.damage == nil ? 0 : 1)",
            "# HELP memberledger_scrub_last_finished_seconds When the last verification finished (Unix time).",
            "# TYPE memberledger_scrub_last_finished_seconds gauge",
            "memberledger_scrub_last_finished_seconds \(status.finishedAt.map { $0.microseconds / 1_000_000 } ?? 0)",
            "# HELP memberledger_scrub_snapshot_problems Snapshots the last verification found not backed by the journal.",
            "# TYPE memberledger_scrub_snapshot_problems gauge",
            "memberledger_scrub_snapshot_problems \(status.snapshotProblems.count)",
        ]
    }
}
