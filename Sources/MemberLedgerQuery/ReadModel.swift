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
        let send: @Sendable ([LogEntry]) -> Void
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
    }

    private let model: Mutex<Model>
    private let projector = DispatchQueue(label: "memberledger.read-model")
    /// The head when the model was made: the history rebuilt in the background ends there.
    private let startHead: JournalHead

    /// A read model of `state`, the ledger at `head` (as the server replayed it at start).
    public init(folder: DataFolder, state: LedgerState, head: JournalHead) {
        precondition(state.lastSeq == head.seq, "the read model starts from the state at its head")
        self.folder = folder
        startHead = head
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
            var nextItem: Int64 = 1
            do {
                _ = try LedgerReplay(folder: folder).state(
                    asOf: .seq(startHead.seq), useSnapshots: false
                ) { step in
                    history.add(
                        step.event, step.outcome, offset: step.recordOffset, items: nextItem..<step.state.crm.nextItemID
                    )
                    nextItem = step.state.crm.nextItemID
                }
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
                Self.pump(&model)
            }
        }
    }

    /// Runs queued work on the model's queue and returns once every durable batch handed over before the
    /// call is applied (for tests and an orderly stop).
    public func settle() {
        projector.sync {}
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

    /// The state at a past point, from the newest snapshot before it and the records after (never past
    /// the model's durable head). Reads files: call it off the event loops.
    public func replay(_ target: LedgerReplay.Target) throws -> LedgerReplay.Result {
        try LedgerReplay(folder: folder).state(asOf: target, through: head.seq)
    }

    // MARK: - Subscribing

    /// Subscribes to the log: `open` is called with the subscription's id (while no entry can be sent,
    /// so it can answer first) and returns where entries go; that function then gets every entry after
    /// `cursor` (nil: after the head), then each new one as it becomes durable, each exactly once and in
    /// order; an empty array is a heartbeat (`heartbeat`). Returns the id, or nil (and `open` is not
    /// called) when `maxSubscribers` are subscribed.
    public func subscribe(
        after cursor: Int64?, open: (UInt64) -> @Sendable ([LogEntry]) -> Void
    ) -> UInt64? {
        model.withLock { model in
            guard model.subscribers.count < Self.maxSubscribers else { return nil }
            let id = model.nextSubscriber
            model.nextSubscriber += 1
            model.subscribers[id] = Subscriber(cursor: cursor ?? model.head.seq, send: open(id))
            Self.pump(&model)
            return id
        }
    }

    /// Ends a subscription.
    public func unsubscribe(_ id: UInt64) {
        model.withLock { _ = $0.subscribers.removeValue(forKey: id) }
    }

    /// Sends every subscriber an empty array (a stream's keep-alive comment).
    public func heartbeat() {
        model.withLock { model in
            for subscriber in model.subscribers.values { subscriber.send([]) }
        }
    }

    /// How many subscribers there are.
    public var subscriberCount: Int { model.withLock { $0.subscribers.count } }

    // MARK: - Applying

    private func apply(_ records: [DurableRecord]) {
        model.withLock { model in
            for record in records {
                let before = model.state.crm.nextItemID
                let outcome = model.state.apply(record.event)
                precondition(
                    record.outcome.map { $0.status == outcome.status } ?? true,
                    "the read model's outcome of seq \(record.event.seq) differs from the writer's")
                model.log.add(record.event, outcome, offset: record.offset, items: before..<model.state.crm.nextItemID)
                model.head = record.head
            }
            Self.pump(&model)
        }
    }

    /// Sends each subscriber what the log holds after its cursor.
    private static func pump(_ model: inout Model) {
        guard model.historyJoined else { return }
        for (id, subscriber) in model.subscribers {
            var cursor = subscriber.cursor
            while true {
                let batch = model.log.entries(after: cursor, limit: 1000)
                guard let last = batch.last else { break }
                subscriber.send(Array(batch))
                cursor = last.seq
            }
            model.subscribers[id]?.cursor = cursor
        }
    }
}
