import Synchronization

/// Counters for `/metrics` (Prometheus text format) and the access log.
final class Metrics: Sendable {
    private struct Counters {
        /// Requests by (command or endpoint, HTTP status).
        var requests: [String: Int] = [:]
        var unauthorized = 0
    }

    private let counters = Mutex(Counters())
    /// Appends waiting for their record to be durable right now.
    let pendingAppends = Atomic<Int>(0)

    func count(_ endpoint: String, status: Int) {
        counters.withLock { counters in
            counters.requests["\(endpoint)\u{0}\(status)", default: 0] += 1
            if status == 401 { counters.unauthorized += 1 }
        }
    }

    var unauthorizedCount: Int { counters.withLock { $0.unauthorized } }

    /// The exposition text, in a stable order (sorted labels).
    func render(
        records: Int64, syncs: Int64, largestBatch: Int64, syncSeconds: Double, maxSyncSeconds: Double, head: Int64
    ) -> String {
        let requests = counters.withLock { $0.requests }
        var lines = [
            "# HELP memberledger_requests_total Requests answered, by command or endpoint and HTTP status.",
            "# TYPE memberledger_requests_total counter",
        ]
        for (key, count) in requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            lines.append("memberledger_requests_total{command=\"\(parts[0])\",status=\"\(parts[1])\"} \(count)")
        }
        lines += [
            "# HELP memberledger_unauthorized_total Requests refused for a missing or wrong handshake.",
            "# TYPE memberledger_unauthorized_total counter",
            "memberledger_unauthorized_total \(unauthorizedCount)",
            "# HELP memberledger_journal_records_total Records made durable since start.",
            "# TYPE memberledger_journal_records_total counter",
            "memberledger_journal_records_total \(records)",
            "# HELP memberledger_journal_syncs_total Write and fdatasync rounds (group commits) since start.",
            "# TYPE memberledger_journal_syncs_total counter",
            "memberledger_journal_syncs_total \(syncs)",
            "# HELP memberledger_journal_batch_records_max The largest group commit so far.",
            "# TYPE memberledger_journal_batch_records_max gauge",
            "memberledger_journal_batch_records_max \(largestBatch)",
            "# HELP memberledger_fsync_seconds Time spent in write and fdatasync per group commit.",
            "# TYPE memberledger_fsync_seconds summary",
            "memberledger_fsync_seconds_sum \(syncSeconds)",
            "memberledger_fsync_seconds_count \(syncs)",
            "# HELP memberledger_fsync_seconds_max The slowest write and fdatasync so far.",
            "# TYPE memberledger_fsync_seconds_max gauge",
            "memberledger_fsync_seconds_max \(maxSyncSeconds)",
            "# HELP memberledger_append_queue_depth Appends waiting for durability now.",
            "# TYPE memberledger_append_queue_depth gauge",
            "memberledger_append_queue_depth \(pendingAppends.load(ordering: .relaxed))",
            "# HELP memberledger_journal_head_seq The last record's seq.",
            "# TYPE memberledger_journal_head_seq gauge",
            "memberledger_journal_head_seq \(head)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
