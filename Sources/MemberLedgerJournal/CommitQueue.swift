import Dispatch
import Foundation
import MemberLedgerCore
import Synchronization

/// The group commit behind `JournalWriter`: records queued by many callers, flushed by one thread.
///
/// Callers hold the lock only to sequence their record (`Sequencer`: the hash chain needs seq order),
/// then wait on a semaphore of their own. The flusher thread takes everything queued, writes it with one
/// `write` and one sync, and signals exactly the callers that batch covered: no thundering herd, no
/// caller waiting on another's wake-up. On a failed write or sync every queued caller gets the error and
/// the queue refuses all later appends (fail-stop).
///
/// Thread safety: `state` is guarded by `lock`; `file` and `storage` are used only by the flusher thread.
final class CommitQueue: @unchecked Sendable {
    /// What callers and the flusher share.
    struct State {
        /// Stamps, applies and chains; only ever under the lock.
        var sequencer: Sequencer
        var pending: [UInt8] = []
        /// The records in `pending`, kept only while an observer is installed.
        var pendingRecords: [DurableRecord] = []
        /// Told of each batch once durable, on the flusher's thread (`JournalWriter.observe`).
        var observer: (@Sendable ([DurableRecord]) -> Void)?
        var waiters: [Waiter] = []
        var failure: JournalError?
        var statistics = JournalWriter.Statistics()
        var flusherIdle = true
        var stopping = false
        var queuedRecords: Int64 = 0
        /// The last record known durable, the journal's length and where that record starts: what readers
        /// of the writer's position may rely on (the sequencer's head may still be in flight).
        var durable: (head: JournalHead, endOffset: Int64, headOffset: Int64)

        /// Queues a sequenced record line for the next flush (with its event and outcome, for an observer).
        mutating func queue(_ line: [UInt8], event: Event, outcome: Outcome?) {
            pending += line
            queuedRecords += 1
            if observer != nil {
                pendingRecords.append(
                    DurableRecord(event: event, outcome: outcome, offset: sequencer.headOffset, head: sequencer.head))
            }
        }
    }

    /// One caller waiting for its records to be durable: blocked in `wait`, or told through the callback
    /// given to `whenDurable` (on the flusher's thread, or at once when the sync already happened).
    ///
    /// One lock-protected stage and nothing else: a waiter is made for every record, and a semaphore is
    /// made only for a caller that blocks.
    final class Waiter: Sendable {
        private enum Stage {
            case queued
            case callback(@Sendable (JournalError?) -> Void)
            case blocked(DispatchSemaphore)
            case done(JournalError?)
        }

        private let stage = Mutex(Stage.queued)

        func complete(_ error: JournalError?) {
            let before = stage.withLock { stage in
                defer { stage = .done(error) }
                return stage
            }
            switch before {
            case .callback(let callback): callback(error)
            case .blocked(let semaphore): semaphore.signal()
            case .queued, .done: break
            }
        }

        /// The outcome once complete (`.some(nil)` for durable), nil while queued; else enters `waiting`.
        private func outcome(orEnter waiting: Stage) -> JournalError?? {
            stage.withLock { stage in
                if case .done(let error) = stage { return .some(error) }
                stage = waiting
                return nil
            }
        }

        /// Calls `callback` once the records are durable (nil) or failed (the error).
        func whenDurable(_ callback: @escaping @Sendable (JournalError?) -> Void) {
            if let outcome = outcome(orEnter: .callback(callback)) { callback(outcome) }
        }

        /// Waits until durable; with a timeout, gives up waiting (the record is still written: the caller
        /// only stops waiting for it) and throws `.stillWriting`.
        func wait(timeout seconds: Double? = nil, seq: Int64 = 0) throws(JournalError) {
            let semaphore = DispatchSemaphore(value: 0)
            if let outcome = outcome(orEnter: .blocked(semaphore)) {
                if let error = outcome { throw error }
                return
            }
            if let seconds {
                guard semaphore.wait(timeout: .now() + seconds) == .success else { throw .stillWriting(seq: seq) }
            } else {
                semaphore.wait()
            }
            if case .done(.some(let error)) = stage.withLock({ $0 }) { throw error }
        }
    }

    private let lock = NSLock()
    private var state: State
    private let work = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let file: FileDescriptor
    private let storage: any JournalStorage

    init(file: FileDescriptor, storage: any JournalStorage, head: JournalHead, endOffset: Int64, headOffset: Int64) {
        self.file = file
        self.storage = storage
        state = State(
            sequencer: Sequencer(head: head, endOffset: endOffset, headOffset: headOffset),
            durable: (head, endOffset, headOffset))
        let thread = Thread { [self] in flushLoop() }
        thread.name = "journal-flusher"
        thread.start()
    }

    func withState<Value>(_ body: (State) -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return body(state)
    }

    func modifyState<Value>(_ body: (inout State) -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// Runs `body` under the lock to sequence records, queues a waiter for them, and wakes the
    /// flusher if it sleeps.
    func enqueue<First, Second>(
        _ body: (inout State) throws(JournalError) -> (First, Second)
    ) throws(JournalError) -> (First, Second, Waiter) {
        lock.lock()
        if let failure = state.failure {
            lock.unlock()
            throw failure
        }
        if state.stopping {
            lock.unlock()
            throw .closed
        }
        let (first, second): (First, Second)
        do throws(JournalError) {
            (first, second) = try body(&state)
        } catch {
            lock.unlock()
            throw error
        }
        let waiter = Waiter()
        state.waiters.append(waiter)
        let wake = state.flusherIdle
        state.flusherIdle = false
        lock.unlock()
        if wake { work.signal() }
        return (first, second, waiter)
    }

    /// Asks the flusher to finish what is queued and exit, waits for it, and closes the file.
    func stop() {
        lock.lock()
        state.stopping = true
        let wake = state.flusherIdle
        state.flusherIdle = false
        lock.unlock()
        if wake { work.signal() }
        stopped.wait()
        file.close()
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func flushLoop() {
        // Swapped with the queue's under the lock: the flusher writes one pair while callers fill the other,
        // and neither is reallocated.
        var batch: [UInt8] = []
        var records: [DurableRecord] = []
        var waiters: [Waiter] = []
        while true {
            work.wait()
            while true {
                lock.lock()
                if state.pending.isEmpty {
                    let stopping = state.stopping
                    state.flusherIdle = true
                    lock.unlock()
                    if stopping {
                        stopped.signal()
                        return
                    }
                    break
                }
                batch.removeAll(keepingCapacity: true)
                waiters.removeAll(keepingCapacity: true)
                records.removeAll(keepingCapacity: true)
                swap(&batch, &state.pending)
                swap(&records, &state.pendingRecords)
                swap(&waiters, &state.waiters)
                let recordCount = state.queuedRecords
                let batchEnd = (state.sequencer.head, state.sequencer.endOffset, state.sequencer.headOffset)
                state.queuedRecords = 0
                lock.unlock()
                var failure: JournalError?
                let started = Self.monotonicSeconds()
                do throws(SystemError) {
                    try storage.write(batch, to: file)
                    try storage.sync(file)
                } catch {
                    failure = .poisoned(error)
                }
                let seconds = Self.monotonicSeconds() - started
                lock.lock()
                var failed = waiters
                if let failure {
                    state.failure = failure
                    failed += state.waiters
                    state.waiters.removeAll()
                    state.pending.removeAll()
                    state.pendingRecords.removeAll()
                    state.queuedRecords = 0
                } else {
                    state.durable = batchEnd
                    state.statistics.records += recordCount
                    state.statistics.syncs += 1
                    state.statistics.largestBatch = max(state.statistics.largestBatch, recordCount)
                    state.statistics.syncSeconds += seconds
                    state.statistics.maxSyncSeconds = max(state.statistics.maxSyncSeconds, seconds)
                }
                let observer = failure == nil && !records.isEmpty ? state.observer : nil
                lock.unlock()
                // Before the waiters: a reader that learns of an answer finds its record already observed.
                observer?(records)
                for waiter in failed { waiter.complete(failure) }
            }
        }
    }
}
