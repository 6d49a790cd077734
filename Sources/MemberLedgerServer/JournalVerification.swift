import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import Synchronization

/// The console's "verify now": reads the whole journal and checks every record's hash and link on a
/// thread of its own (the writer keeps appending meanwhile), with progress, and keeps the last result
/// for `/api/journal` and the health page.
final class JournalVerification: Sendable {
    private struct Status {
        var running = false
        var bytesRead: Int64 = 0
        var totalBytes: Int64 = 0
        var records: Int64 = 0
        var result: String?
        var intact: Bool?
    }

    private let status = Mutex(Status())
    private let folder: DataFolder

    /// Verification of `folder`'s journal.
    init(folder: DataFolder) {
        self.folder = folder
    }

    /// Starts a verification; false when one is running already.
    func start() -> Bool {
        let total = (try? FileManager.default.attributesOfItem(atPath: folder.journal)[.size] as? Int).map(Int64.init)
        let started = status.withLock { status in
            guard !status.running else { return false }
            status = Status(running: true, totalBytes: total ?? 0, result: status.result, intact: status.intact)
            return true
        }
        guard started else { return false }
        Thread.detachNewThread { [self, folder] in
            var result: String
            var intact = false
            do {
                let scan = try JournalReader(folder: folder).verify { bytes, records in
                    self.status.withLock {
                        $0.bytesRead = bytes
                        $0.records = records
                    }
                }
                intact = scan.damage == nil
                result =
                    scan.damage.map { "damaged: \($0)" }
                    ?? "intact: \(scan.head.seq) records, head \(scan.head)"
            } catch {
                result = "could not be read: \(error)"
            }
            let finished = result
            status.withLock {
                $0.running = false
                $0.result = finished
                $0.intact = intact
            }
        }
        return true
    }

    /// The progress and the last result, as `/api/journal`'s `verification`.
    var json: JSONValue {
        let status = status.withLock { $0 }
        return .object([
            ("running", .bool(status.running)), ("bytesRead", .int(status.bytesRead)),
            ("totalBytes", .int(status.totalBytes)), ("records", .int(status.records)),
            ("intact", status.intact.map { .bool($0) } ?? .null),
            ("result", status.result.map { .string($0) } ?? .null),
        ])
    }
}
