import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import Synchronization

/// The server's side of its partnership with a CRM: it records the link the saved connection names, keeps
/// new members' passwords in the spool until the CRM has them, and runs the outbox worker, which pulls
/// contacts and writes back what the site decided. Without a connection it only makes sure nothing is
/// queued for a CRM and no password lingers in the spool.
final class Connector: Sendable {
    private let setup: CRMSetup?
    private let ledger: LiveLedger
    private let spool: PasswordSpool
    private let clock: @Sendable () -> Timestamp
    private let log: @Sendable (String) -> Void
    private let worker = Mutex<OutboxWorker?>(nil)

    /// Brings the journal's link in line with the saved connection (a `crm.connected` or
    /// `crm.disconnected` event when they differ) and clears the spool of passwords nothing waits for.
    init(configuration: ServerConfiguration, ledger: LiveLedger) throws {
        setup = configuration.crm
        self.ledger = ledger
        spool = PasswordSpool(folder: configuration.folder)
        clock = configuration.clock
        log = configuration.accessLog
        let wanted = setup?.connection.link
        let current = ledger.read { $0.crm.link }
        if wanted != current {
            let payload: EventPayload? =
                wanted.map(EventPayload.crmConnected) ?? current.map { .crmDisconnected($0.kind) }
            if let payload {
                let (event, outcome) = try ledger.record(EventDraft(payload))
                log(
                    "CRM link recorded at seq \(event.seq): \(outcome.effects.map(\.description).joined(separator: "; "))"
                )
            }
        }
        sweepSpool()
    }

    /// The CRM talked to, for the start-up banner; nil without a connection.
    var description: String? {
        guard let connection = setup?.connection else { return nil }
        let passwords =
            connection.passwordField.map { "passwords written to field \($0)" } ?? "passwords not written back"
        return "\(connection.kind.displayName) at \(connection.baseURL) (\(passwords))"
    }

    /// Starts delivering; `record` appends an event as any request would (backpressure, fail-stop).
    func start(record: @escaping @Sendable (EventPayload) -> Bool) {
        guard let setup, let link = ledger.read({ $0.crm.link }) else { return }
        let view = OutboxWorker.Ledger(
            dueHeads: { [ledger] now, limit, busy in
                ledger.read { state in
                    let found = state.crm.dueHeads(at: now, limit: limit, excluding: busy)
                    return OutboxWorker.DueHeads(
                        due: found.due.map { OutboxWorker.Due(item: $0, email: state.member($0.contactID)?.email) },
                        nextDue: found.nextDue)
                }
            },
            passwordItems: { [ledger] in ledger.read { Self.passwordItems(of: $0) } },
            record: record)
        let started = OutboxWorker(
            client: setup.client, link: link, spool: spool, policy: setup.retryPolicy, ledger: view, clock: clock,
            concurrency: setup.concurrency, log: log)
        worker.withLock { $0 = started }
        started.start()
    }

    /// Stops the worker after the attempts under way.
    func stop() {
        worker.withLock { $0 }?.stop()
    }

    /// Whether a new member's password must be spooled for the CRM: the journal's link names a field.
    var keepsPasswords: Bool { ledger.read { $0.crm.link?.passwordField != nil } }

    /// Keeps a password until the CRM has it; called before the event that sets its hash is recorded.
    func spool(_ password: String, hash: String, contactID: String) throws(SystemError) {
        try spool.put(password, hash: hash, contactID: contactID, at: clock())
    }

    /// Forgets a spooled password whose event was not recorded or did not set it.
    func discard(hash: String) {
        try? spool.remove(hash: hash)
    }

    /// Tells the worker an event queued items or made some due now (an admin's retry).
    func queued(_ outcome: Outcome) {
        let retried = outcome.effects.contains { if case .crmRetryScheduled = $0 { true } else { false } }
        guard !outcome.queued.isEmpty || retried else { return }
        worker.withLock { $0 }?.wake()
    }

    /// `/healthz`'s `crm` object: the link, outbox depth, oldest pending age, dead letters, last error.
    func health(now: Timestamp) -> JSONValue? {
        guard let setup else { return nil }
        let outbox = outboxFigures(now: now)
        let status = worker.withLock { $0 }?.status ?? OutboxWorker.Status()
        var fields: [(key: String, value: JSONValue)] = [
            ("crm", .string(setup.connection.kind.rawValue)), ("pending", .int(outbox.pending)),
            ("oldestPendingSeconds", .int(outbox.oldestSeconds)), ("dead", .int(outbox.dead)),
            ("delivered", .int(status.delivered)), ("failed", .int(status.failed)),
        ]
        let lastError: JSONValue = status.lastError.map { .string($0) } ?? .null
        let lastErrorAt: JSONValue = status.lastErrorAt.map { .string($0.rfc3339) } ?? .null
        var pausedUntil = JSONValue.null
        if let paused = status.pausedUntil, paused > now { pausedUntil = .string(paused.rfc3339) }
        fields += [("lastError", lastError), ("lastErrorAt", lastErrorAt), ("pausedUntil", pausedUntil)]
        return .object(fields)
    }

    /// `/metrics` lines for the outbox.
    func metrics(now: Timestamp) -> [String] {
        guard setup != nil else { return [] }
        let outbox = outboxFigures(now: now)
        let status = worker.withLock { $0 }?.status ?? OutboxWorker.Status()
        return [
            "# HELP memberledger_outbox_pending Outbox items waiting for the CRM.",
            "# TYPE memberledger_outbox_pending gauge", "memberledger_outbox_pending \(outbox.pending)",
            "# HELP memberledger_outbox_oldest_pending_seconds Age of the oldest pending outbox item.",
            "# TYPE memberledger_outbox_oldest_pending_seconds gauge",
            "memberledger_outbox_oldest_pending_seconds \(outbox.oldestSeconds)",
            "# HELP memberledger_outbox_dead Outbox items given up on (dead letters).",
            "# TYPE memberledger_outbox_dead gauge", "memberledger_outbox_dead \(outbox.dead)",
            "# HELP memberledger_crm_deliveries_total Outbox items delivered since start.",
            "# TYPE memberledger_crm_deliveries_total counter", "memberledger_crm_deliveries_total \(status.delivered)",
            "# HELP memberledger_crm_failures_total Failed delivery attempts since start.",
            "# TYPE memberledger_crm_failures_total counter", "memberledger_crm_failures_total \(status.failed)",
            "# HELP memberledger_crm_last_error_timestamp_seconds When the CRM last failed (0: never).",
            "# TYPE memberledger_crm_last_error_timestamp_seconds gauge",
            "memberledger_crm_last_error_timestamp_seconds \((status.lastErrorAt?.microseconds ?? 0) / 1_000_000)",
        ]
    }

    private func outboxFigures(now: Timestamp) -> (pending: Int, dead: Int, oldestSeconds: Int64) {
        ledger.read { state in
            var pending = 0
            var dead = 0
            var oldest = now
            for item in state.crm.items.values {
                if item.dead {
                    dead += 1
                } else {
                    pending += 1
                    oldest = min(oldest, item.since)
                }
            }
            return (pending, dead, max(0, (now.microseconds - oldest.microseconds) / 1_000_000))
        }
    }

    private static func passwordItems(of state: LedgerState) -> [OutboxItem] {
        state.crm.sortedItems.filter { if case .password = $0.action { true } else { false } }
    }

    /// Removes spooled passwords no outbox item waits for (run before requests are taken).
    private func sweepSpool() {
        let wanted = Set(
            ledger.read { Self.passwordItems(of: $0) }.compactMap { item -> String? in
                guard case .password(_, let hash) = item.action else { return nil }
                return PasswordSpool.key(forHash: hash)
            })
        for entry in spool.entries() where !wanted.contains(entry.key) {
            try? spool.remove(key: entry.key)
            log("spool: removed a password no outbox item waits for (contact \(entry.contactID))")
        }
    }
}
