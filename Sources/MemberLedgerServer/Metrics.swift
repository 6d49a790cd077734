import MemberLedgerCore
import Synchronization

/// Counters for `/metrics` (Prometheus text format) and the access log.
///
/// Counting takes no lock: the journal's group commit wakes a whole batch of connection threads at once,
/// and with one mutex around a dictionary they queued on it (a fifth of the server's CPU at 64
/// connections, `Docs/performance.md`). Every (endpoint, status) pair the server can answer has an
/// atomic counter of its own, made at start; anything else counts under `other`.
final class Metrics: Sendable {
    /// A counter that threads bump without a lock.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Endpoint labels: the fourteen commands, unknown and missing commands, the site events, the
    /// server's own paths, and `http` for requests the HTTP layer refused itself.
    private static let endpoints =
        (WebhookOperation.allCases.map(\.rawValue)
        + ["aal_unknown", "-", "healthz", "metrics", "events", "admin", "http", "other"]
        + SiteEventRequest.types).sorted(by: utf8Ascending)
    /// Every status the server or its HTTP layer answers.
    private static let statuses = [200, 400, 401, 404, 405, 408, 413, 417, 422, 431, 500, 501, 503, 505]

    private let endpointIndex: [String: Int]
    private let statusIndex: [Int: Int]
    /// The row of endpoints not in the list.
    private let otherRow: Int
    /// `endpoints.count × (statuses.count + 1)` counters; the extra column counts any other status.
    private let requests: [Counter]
    private let unauthorized = Counter()
    /// Appends waiting for their record to be durable right now.
    let pendingAppends = Atomic<Int>(0)

    init() {
        endpointIndex = Dictionary(uniqueKeysWithValues: Self.endpoints.enumerated().map { ($1, $0) })
        otherRow = Self.endpoints.firstIndex(of: "other")!
        statusIndex = Dictionary(uniqueKeysWithValues: Self.statuses.enumerated().map { ($1, $0) })
        requests = (0..<Self.endpoints.count * (Self.statuses.count + 1)).map { _ in Counter() }
    }

    func count(_ endpoint: String, status: Int) {
        let column = statusIndex[status] ?? Self.statuses.count
        counter(row: endpointIndex[endpoint] ?? otherRow, column: column).value.wrappingAdd(1, ordering: .relaxed)
        if status == 401 { unauthorized.value.wrappingAdd(1, ordering: .relaxed) }
    }

    private func counter(row: Int, column: Int) -> Counter {
        requests[row * (Self.statuses.count + 1) + column]
    }

    var unauthorizedCount: Int { unauthorized.value.load(ordering: .relaxed) }

    /// The request counters that are not zero, as (endpoint, status, count), sorted.
    private var requestCounts: [(endpoint: String, status: String, count: Int)] {
        Self.endpoints.enumerated().flatMap { row, endpoint in
            (0...Self.statuses.count).compactMap { column in
                let count = counter(row: row, column: column).value.load(ordering: .relaxed)
                guard count > 0 else { return nil }
                return (endpoint, column < Self.statuses.count ? String(Self.statuses[column]) : "other", count)
            }
        }
    }

    /// The exposition text, in a stable order (sorted labels).
    func render(
        records: Int64, syncs: Int64, largestBatch: Int64, syncSeconds: Double, maxSyncSeconds: Double, head: Int64,
        extra: [String] = []
    ) -> String {
        var lines = [
            "# HELP memberledger_requests_total Requests answered, by command or endpoint and HTTP status.",
            "# TYPE memberledger_requests_total counter",
        ]
        for (endpoint, status, count) in requestCounts {
            lines.append("memberledger_requests_total{command=\"\(endpoint)\",status=\"\(status)\"} \(count)")
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
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }
}
