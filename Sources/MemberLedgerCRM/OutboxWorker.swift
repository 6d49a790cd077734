import Dispatch
import Foundation
import MemberLedgerCore
import Synchronization

/// Delivers the outbox to the linked CRM, off the request path: it reads the due items from the live
/// ledger, attempts them (at most one per contact at a time, so a contact's items arrive in queue order),
/// and records each attempt's result as an event. Nothing it does can slow a webhook's answer: it holds
/// no lock while it talks to the CRM, and a CRM that is down, slow or garbled only delays the outbox.
///
/// A 429, a timeout or an unreachable CRM pauses the whole worker until the retry time (the account, not
/// the item, is the problem); any other failure delays only its item. A delivery whose event could not
/// be recorded is simply attempted again later: writes are idempotent, so at-least-once is safe.
public final class OutboxWorker: Sendable {
    /// An item due for an attempt, with what the ledger knows of its contact.
    public struct Due: Sendable {
        /// The item.
        public var item: OutboxItem
        /// The member's email, if known (Drip names subscribers by email).
        public var email: String?

        /// Creates a due item.
        public init(item: OutboxItem, email: String?) {
            self.item = item
            self.email = email
        }
    }

    /// What `Ledger.dueHeads` found.
    public struct DueHeads: Sendable {
        /// Items due now, in id order.
        public var due: [Due]
        /// When the next item not yet due becomes due; nil: none waits (or the limit was reached).
        public var nextDue: Timestamp?

        /// Creates the answer.
        public init(due: [Due], nextDue: Timestamp?) {
            self.due = due
            self.nextDue = nextDue
        }
    }

    /// The worker's view of the ledger.
    public struct Ledger: Sendable {
        /// Up to a number of items due at a time, skipping the contacts named (under way), in id order; and
        /// when fewer were found, when the next item not yet due becomes due.
        public var dueHeads: @Sendable (_ now: Timestamp, _ limit: Int, _ busy: Set<String>) -> DueHeads
        /// Every password item (pending or dead), for the spool's expiry.
        public var passwordItems: @Sendable () -> [OutboxItem]
        /// Records an event durably; false when the journal refused it (the attempt is then repeated).
        public var record: @Sendable (EventPayload) -> Bool

        /// Creates the view.
        public init(
            dueHeads: @escaping @Sendable (_ now: Timestamp, _ limit: Int, _ busy: Set<String>) -> DueHeads,
            passwordItems: @escaping @Sendable () -> [OutboxItem],
            record: @escaping @Sendable (EventPayload) -> Bool
        ) {
            self.dueHeads = dueHeads
            self.passwordItems = passwordItems
            self.record = record
        }
    }

    /// What the worker has seen, for `/healthz` and `/metrics`.
    public struct Status: Sendable, Equatable {
        /// Items delivered (and pulls recorded) since start.
        public var delivered = 0
        /// Failed attempts since start.
        public var failed = 0
        /// The last failure, in the CRM's words, and when.
        public var lastError: String?
        /// When the last failure happened.
        public var lastErrorAt: Timestamp?
        /// While set and in the future, no attempt is made (429, timeout, unreachable).
        public var pausedUntil: Timestamp?

        /// Nothing seen yet.
        public init() {}
    }

    private let client: any CRMClient
    private let link: CRMLink
    private let spool: PasswordSpool
    private let policy: RetryPolicy
    private let ledger: Ledger
    private let clock: @Sendable () -> Timestamp
    private let concurrency: Int
    private let log: @Sendable (String) -> Void
    private let wakeUp = DispatchSemaphore(value: 0)
    private let state = Mutex(Status())
    /// Contacts with an attempt under way: no second item of theirs starts before it ends.
    private let busy = Mutex(Set<String>())
    private let running = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// A worker for one linked CRM.
    public init(
        client: any CRMClient, link: CRMLink, spool: PasswordSpool, policy: RetryPolicy = .standard,
        ledger: Ledger, clock: @escaping @Sendable () -> Timestamp, concurrency: Int = 4,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        precondition(concurrency >= 1, "the worker needs at least one lane")
        self.client = client
        self.link = link
        self.spool = spool
        self.policy = policy
        self.ledger = ledger
        self.clock = clock
        self.concurrency = concurrency
        self.log = log
    }

    /// What the worker has seen so far.
    public var status: Status { state.withLock { $0 } }

    /// Starts the worker's lanes: `concurrency` threads, each taking the next due item as soon as it is
    /// free, so one slow answer holds up only its own lane.
    public func start() {
        guard !running.exchange(true, ordering: .acquiring) else { return }
        for lane in 0..<concurrency {
            let thread = Thread { [self] in
                run(lane: lane)
                finished.signal()
            }
            thread.name = "memberledger-outbox-\(lane)"
            thread.start()
        }
    }

    /// Tells the worker that items were queued, so it looks now rather than at its next deadline.
    public func wake() {
        wakeUp.signal()
    }

    /// Stops after the attempts under way; returns once every lane has ended.
    public func stop() {
        guard running.exchange(false, ordering: .acquiring) else { return }
        for _ in 0..<concurrency { wakeUp.signal() }
        for _ in 0..<concurrency { finished.wait() }
    }

    /// One lane: takes the first due item of a contact no other lane is serving, attempts it, repeats. Lane 0
    /// also expires spooled passwords. A lane that finds more work than it takes wakes another, so a burst
    /// spreads over every lane.
    private func run(lane: Int) {
        var nextExpiryCheck = Timestamp(microseconds: 0)
        while running.load(ordering: .relaxed) {
            let now = clock()
            if lane == 0 && now >= nextExpiryCheck {
                expirePasswords(now: now)
                nextExpiryCheck = now.adding(seconds: 60)
            }
            if let paused = status.pausedUntil, paused > now {
                sleep(until: paused, now: now)
                continue
            }
            let taken = busy.withLock { busy -> (Due?, DueHeads) in
                let found = ledger.dueHeads(now, 2, busy)
                guard let first = found.due.first else { return (nil, found) }
                busy.insert(first.item.contactID)
                return (first, found)
            }
            guard let due = taken.0 else {
                let wakeAt = min(taken.1.nextDue ?? now.adding(seconds: 60), now.adding(seconds: 60))
                sleep(until: lane == 0 ? min(wakeAt, nextExpiryCheck) : wakeAt, now: now)
                continue
            }
            if taken.1.due.count > 1 { wakeUp.signal() }
            attempt(due)
            busy.withLock { _ = $0.remove(due.item.contactID) }
            // The contact's next item may be due now, for this lane or another.
            wakeUp.signal()
        }
    }

    private func sleep(until deadline: Timestamp, now: Timestamp) {
        let seconds = max(0, Double(deadline.microseconds - now.microseconds) / 1e6)
        _ = wakeUp.wait(timeout: .now() + seconds)
    }

    /// One attempt at one item, and its result recorded.
    private func attempt(_ due: Due) {
        let item = due.item
        let contact = CRMContact(id: item.contactID, email: due.email)
        var password: String?
        do throws(CRMError) {
            switch item.action {
            case .applyTag(let tag): try client.applyTag(tag, to: contact)
            case .removeTag(let tag): try client.removeTag(tag, from: contact)
            case .setField(let field, let value): try client.setField(field, to: value, of: contact)
            case .password(let field, let hash):
                guard let entry = spool.entry(forHash: hash) else {
                    log("outbox: item \(item.id): no spooled password for \(item.contactID); recorded undelivered")
                    _ = ledger.record(.passwordUndelivered(item: item.id))
                    return
                }
                password = entry.password
                try client.setField(field, to: entry.password, of: contact)
            case .pull:
                var pulled = try client.pull(item.contactID)
                pulled.contactID = item.contactID
                // CRMs write "" for a name never given (ActiveCampaign does): that is no value, not a new one.
                for path in [\ContactData.email, \.firstName, \.lastName] where pulled[keyPath: path]?.isEmpty == true {
                    pulled[keyPath: path] = nil
                }
                // The CRM's copy of the password field holds a plaintext the journal must never see.
                if let field = link.passwordField { pulled.fields[field] = nil }
                pulled = pulled.withoutSecretFields
                if ledger.record(.contactPulled(ContactPulled(item: item.id, crm: link.kind, contact: pulled))) {
                    state.withLock { $0.delivered += 1 }
                }
                return
            }
        } catch {
            failed(item, error, hiding: password)
            return
        }
        guard ledger.record(.crmDelivered(DeliveryAttempt(item: item.id, attempt: item.attempts + 1, status: nil)))
        else { return }
        state.withLock { $0.delivered += 1 }
        if case .password(_, let hash) = item.action {
            do {
                try spool.remove(hash: hash)
            } catch {
                log("outbox: item \(item.id): delivered, but its spool file stays: \(error)")
            }
        }
    }

    private func failed(_ item: OutboxItem, _ error: CRMError, hiding password: String?) {
        let now = clock()
        var generator = SystemRandomNumberGenerator()
        let retryAt = policy.retryAt(
            after: error, attempt: item.attempts + 1, since: item.since, now: now,
            jitter: Double.random(in: 0...1, using: &generator))
        var text = error.description
        if let password, !password.isEmpty { text = text.replacingOccurrences(of: password, with: "REDACTED") }
        let pausesAll: Bool
        switch error {
        case .unreachable, .timedOut: pausesAll = true
        case .rejected(let status, _, _): pausesAll = status == 429
        case .malformedResponse: pausesAll = false
        }
        state.withLock { status in
            status.failed += 1
            status.lastError = text
            status.lastErrorAt = now
            if pausesAll, let retryAt { status.pausedUntil = max(status.pausedUntil ?? retryAt, retryAt) }
        }
        log(
            "outbox: item \(item.id) (\(item.action.name) for \(item.contactID)) failed: \(text); "
                + (retryAt.map { "retry at \($0)" } ?? "dead letter"))
        _ = ledger.record(
            .crmDeliveryFailed(
                DeliveryAttempt(
                    item: item.id, attempt: item.attempts + 1, status: error.status, error: text, retryAt: retryAt)))
    }

    /// Destroys passwords spooled longer than the spool keeps them, and records each as undelivered; and
    /// removes passwords no item waits for after ten minutes (their event was never recorded).
    private func expirePasswords(now: Timestamp) {
        let items = ledger.passwordItems()
        let wanted = Set(
            items.compactMap { item -> String? in
                guard case .password(_, let hash) = item.action else { return nil }
                return PasswordSpool.key(forHash: hash)
            })
        for entry in spool.entries() where !wanted.contains(entry.key) && entry.spooledAt.adding(seconds: 600) < now {
            try? spool.remove(key: entry.key)
        }
        for item in items {
            guard case .password(_, let hash) = item.action else { continue }
            let entry = spool.entry(forHash: hash)
            if let entry, entry.spooledAt.adding(seconds: PasswordSpool.keepSeconds) > now { continue }
            do {
                try spool.remove(hash: hash)
            } catch {
                log("outbox: a password spooled for \(item.contactID) could not be destroyed: \(error)")
                continue
            }
            _ = ledger.record(.passwordUndelivered(item: item.id))
        }
    }
}
