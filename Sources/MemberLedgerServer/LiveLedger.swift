import MemberLedgerCore
import MemberLedgerJournal
import Synchronization

/// The writer's side of the ledger: the journal writer and the live state it keeps current.
///
/// Each event is applied to the state in seq order while the journal stamps it (under the journal's
/// lock), so the state always reflects exactly the records queued; the caller gets the outcome only
/// once the record is durable. Readers (`/healthz`, generation of values) take the state's own lock.
final class LiveLedger: Sendable {
    let writer: JournalWriter
    private let state: Mutex<LedgerState>

    init(writer: JournalWriter, state: LedgerState) {
        self.writer = writer
        self.state = Mutex(state)
    }

    /// Records an event durably and returns it with its outcome; gives up waiting after `timeout` seconds.
    func record(_ draft: EventDraft, timeout: Double? = nil) throws(JournalError) -> (event: Event, outcome: Outcome) {
        let (event, outcome) = try writer.append(draft, timeout: timeout) { event in
            state.withLock { $0.apply(event) }
        }
        return (event, outcome)
    }

    /// Records an event without waiting: returns it with its outcome at once (applied to the live state,
    /// not yet durable), and calls `whenDurable` with them once durable (failure nil) or failed, on the
    /// journal's flusher thread.
    @discardableResult
    func recordWithoutWaiting(
        _ draft: EventDraft, whenDurable: @escaping @Sendable (Event, Outcome, JournalError?) -> Void
    ) throws(JournalError) -> (event: Event, outcome: Outcome) {
        // Filled under the journal's lock before the waiter exists, so the callback always finds it.
        let box = StampedBox()
        let (event, outcome) = try writer.appendWithoutWaiting(
            draft,
            onStamp: { event in
                let outcome = state.withLock { $0.apply(event) }
                box.value = (event, outcome)
                return outcome
            },
            whenDurable: { failure in
                let (event, outcome) = box.value!
                whenDurable(event, outcome, failure)
            })
        return (event, outcome)
    }

    /// Reads the live state.
    func read<Value: Sendable>(_ body: (LedgerState) -> Value) -> Value {
        state.withLock { body($0) }
    }
}

/// The stamped event and its outcome, written once under the journal's lock before the durability
/// waiter is registered and read only after it fires (the waiter's lock orders the two).
private final class StampedBox: @unchecked Sendable {
    var value: (Event, Outcome)?
}
