import Dispatch
import MemberLedgerCore
import MemberLedgerJournal
import Synchronization

/// The server's read side: its own copy of the ledger state and the Webhooks Log, fed by the journal
/// writer's durable records, so that readers never take the writer's lock and never see a record that a
/// crash could still take away.
///
/// Durable batches are applied on the model's own queue (never on the journal's flusher). The log of the
/// events before the server started is rebuilt from seq 1 in the background (outcomes are not stored,
/// they come from replay); until it is joined to the live log, `log` answers nil. Subscribers (the live
/// feed) get every entry after their cursor exactly once, in order, as soon as the log holds it.
public final class ReadModel: Sendable {
    /// At most this many subscribers at once.
    public static let maxSubscribers = 64

    /// The data folder, for reads of the past (`replay`).
    public let folder: DataFolder

    private struct Subscriber {
        /// The last seq sent.
        var cursor: Int64
        /// Takes bytes, or answers false when its reader is behind (they are sent again later).
        let send: @Sendable ([UInt8]) -> Bool
    }

    private struct Model {
        var state: LedgerState
        var head: JournalHead
        /// From seq 1 once the history is joined; before, the live part only.
        var log: LogIndex
        var historyJoined: Bool
        var historyProblem: String?
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 1
        /// A send to the subscribers is scheduled.
        var feedDue = false
    }

    private let model: Mutex<Model>
    private let projector = DispatchQueue(label: "memberledger.read-model")
    /// The head when the model was made: the history rebuilt in the background ends there.
    private let startHead: JournalHead
    /// How long new entries gather before they go to the subscribers.
    private let feedInterval: DispatchTimeInterval

    /// A read model of `state`, the ledger at `head` (as the server replayed it at start). New entries go
    /// to subscribers at most every `feedMilliseconds` (one write per feed for many durable batches, well
    /// within the feed's 100 ms).
    public init(folder: DataFolder, state: LedgerState, head: JournalHead, feedMilliseconds: Int = 40) {
        precondition(state.lastSeq == head.seq, "the read model starts from the state at its head")
        self.folder = folder
        startHead = head
        feedInterval = .milliseconds(feedMilliseconds)
        model = Mutex(
            Model(state: state, head: head, log: LogIndex(firstSeq: head.seq + 1), historyJoined: head.seq == 0))
    }

    /// Follows `writer`: every durable batch from now on is applied here, in order. Call before anything
    /// is appended after the head this model was made at.
    public func follow(_ writer: JournalWriter) {
        writer.observe { [self] records in projector.async { [self] in apply(records) } }
    }

    /// Rebuilds the log of the events up to the start head, in the background, then joins it to the live
    /// log; a journal that cannot be read leaves `historyProblem` set.
    public func rebuildHistory() {
        guard startHead.seq > 0 else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            var history = LogIndex()
            do {
                _ = try LedgerReplay(folder: folder).state(
                    asOf: .seq(startHead.seq), useSnapshots: false,
                    observe: { step in history.add(step.event, step.outcome, offset: step.recordOffset) },
                    lost: { history.skip($0, offset: $1) })
            } catch {
                model.withLock { $0.historyProblem = "the journal could not be replayed for the log: \(error)" }
                return
            }
            guard history.nextSeq == startHead.seq + 1 else {
                model.withLock {
                    $0.historyProblem =
                        "the journal's log ends at seq \(history.nextSeq - 1), the server started at \(startHead.seq)"
                }
                return
            }
            model.withLock { model in
                history.append(contentsOf: model.log)
                model.log = history
                model.historyJoined = true
                feed(&model)
            }
        }
    }

    /// Returns once every durable batch handed over before the call is applied and sent to the
    /// subscribers (for tests and an orderly stop).
    public func settle() {
        projector.sync {}
        while model.withLock({ feed(&$0) }) {}
    }

    // MARK: - Reading

    /// Reads the state and the head it stands at.
    public func read<Value>(_ body: (LedgerState, JournalHead) -> Value) -> Value {
        model.withLock { body($0.state, $0.head) }
    }

    /// Reads the log from seq 1; nil while it is being rebuilt.
    public func log<Value>(_ body: (LogIndex) -> Value) -> Value? {
        model.withLock { $0.historyJoined ? body($0.log) : nil }
    }

    /// Why the log could not be rebuilt, if it could not.
    public var historyProblem: String? { model.withLock { $0.historyProblem } }

    /// The head the model stands at.
    public var head: JournalHead { model.withLock { $0.head } }

    /// Decoded snapshots for reads of the past.
    private let snapshots = SnapshotCache(capacity: 2)

    /// The replay of a past point, from the newest snapshot before it (kept decoded between calls) and the
    /// records after, never past the model's durable head. Reads files: call it off the event loops.
    public func replay(_ target: LedgerReplay.Target) throws -> LedgerReplay.Result {
        try LedgerReplay(folder: folder, cache: snapshots).state(asOf: target, through: head.seq)
    }

    /// The state at a point and the last record it includes: at or after the head, the model's own state
    /// (advanced to an instant, for a time); before it, `replay`.
    public func state(at target: LedgerReplay.Target) throws -> (state: LedgerState, head: JournalHead) {
        let (state, head) = read { ($0, $1) }
        switch target {
        case .end: return (state, head)
        case .seq(let seq) where seq == head.seq: return (state, head)
        case .time(let instant) where instant >= state.lastRecordedAt && head.seq > 0:
            return (state.advanced(to: instant).state, head)
        default:
            let result = try replay(target)
            return (result.state, result.position.head)
        }
    }

    // MARK: - Subscribing

    /// Subscribes to the log as server-sent events (`LogEntry.serverSentEvents`): `open` is called with
    /// the subscription's id and the cursor it starts after (nil `cursor`: the head), while nothing can
    /// be sent, so it can answer first; it returns where the bytes go. That function then gets every entry
    /// after the cursor, then each new one as it becomes durable, each exactly once and in order, and a
    /// comment as heartbeat (`heartbeat`); when it answers false (its reader is behind), the same entries
    /// come again at the next feed. Subscribers at the same cursor share one encoding. Returns the id, or
    /// nil (and `open` is not called) when `maxSubscribers` are subscribed.
    public func subscribe(
        after cursor: Int64?, open: (UInt64, Int64) -> @Sendable ([UInt8]) -> Bool
    ) -> UInt64? {
        model.withLock { model in
            guard model.subscribers.count < Self.maxSubscribers else { return nil }
            let id = model.nextSubscriber
            model.nextSubscriber += 1
            let start = cursor ?? model.head.seq
            model.subscribers[id] = Subscriber(cursor: start, send: open(id, start))
            feed(&model)
            return id
        }
    }

    /// Ends a subscription.
    public func unsubscribe(_ id: UInt64) {
        model.withLock { _ = $0.subscribers.removeValue(forKey: id) }
    }

    /// Sends every subscriber a keep-alive comment.
    public func heartbeat() {
        model.withLock { model in
            for subscriber in model.subscribers.values { _ = subscriber.send(LogEntry.keepAlive) }
        }
    }

    /// How many subscribers there are.
    public var subscriberCount: Int { model.withLock { $0.subscribers.count } }

    // MARK: - Applying

    private func apply(_ records: [DurableRecord]) {
        model.withLock { model in
            for record in records {
                let outcome = model.state.apply(record.event)
                precondition(
                    record.outcome.map { $0.status == outcome.status } ?? true,
                    "the read model's outcome of seq \(record.event.seq) differs from the writer's")
                model.log.add(record.event, outcome, offset: record.offset)
                model.head = record.head
            }
            scheduleFeed(&model)
        }
    }

    /// Feeds the subscribers after `feedInterval`, unless a feed is due already.
    private func scheduleFeed(_ model: inout Model) {
        guard !model.subscribers.isEmpty, !model.feedDue else { return }
        model.feedDue = true
        projector.asyncAfter(deadline: .now() + feedInterval) { [self] in
            self.model.withLock { model in
                model.feedDue = false
                feed(&model)
            }
        }
    }

    /// Sends each subscriber what the log holds after its cursor (answering whether some subscriber moved on
    /// and one is still behind), at most `catchUp` entries at a time (a
    /// feed resumed far back is sent in steps, one per `feedInterval`, so that it never holds more than a
    /// step in memory), encoding each step once for every subscriber at the same cursor (usually all of
    /// them: each is at the head).
    @discardableResult
    private func feed(_ model: inout Model) -> Bool {
        guard model.historyJoined, !model.subscribers.isEmpty else { return false }
        var encoded: [Int64: (bytes: [UInt8], last: Int64)] = [:]
        var behind = false
        var advanced = false
        for (id, subscriber) in model.subscribers {
            guard let step = encoded[subscriber.cursor] ?? Self.step(model.log, after: subscriber.cursor) else {
                continue
            }
            encoded[subscriber.cursor] = step
            guard subscriber.send(step.bytes) else {
                behind = true
                continue
            }
            model.subscribers[id]?.cursor = step.last
            advanced = true
            behind = behind || step.last < model.log.nextSeq - 1
        }
        if behind { scheduleFeed(&model) }
        return behind && advanced
    }

    /// Entries a feed takes in one step.
    public static let catchUp = 2000

    /// The log's next step after `cursor` as server-sent events, with its last seq; nil when none.
    private static func step(_ log: LogIndex, after cursor: Int64) -> (bytes: [UInt8], last: Int64)? {
        let entries = log.entries(after: cursor, limit: catchUp)
        return entries.last.map { (LogEntry.serverSentEvents(entries), $0.seq) }
    }
}
