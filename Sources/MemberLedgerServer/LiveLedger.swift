import MemberLedgerCore
import MemberLedgerJournal

/// The writer's side of the ledger: the journal writer and the live state it keeps current.
///
/// The writer's sequencer applies each event to the state while it stamps and chains it (under the
/// journal's lock), so the state always reflects exactly the records queued; the caller gets the outcome
/// only once the record is durable. Readers (`/healthz`, generation of values) read it under the same lock.
final class LiveLedger: Sendable {
    let writer: JournalWriter

    /// Hands `state` (replayed up to the journal's head) to the writer to keep.
    init(writer: JournalWriter, state: LedgerState) {
        self.writer = writer
        writer.keep(state)
    }

    /// Records an event durably and returns it with its outcome; gives up waiting after `timeout` seconds.
    func record(_ draft: EventDraft, timeout: Double? = nil) throws(JournalError) -> (event: Event, outcome: Outcome) {
        let (event, outcome) = try writer.append(draft, timeout: timeout)
        return (event, outcome!)
    }

    /// Records an event without waiting: returns it with its outcome at once (applied to the live state,
    /// not yet durable), and calls `whenDurable` with them once durable (failure nil) or failed, on the
    /// journal's flusher thread.
    @discardableResult
    func recordWithoutWaiting(
        _ draft: EventDraft, whenDurable: @escaping @Sendable (Event, Outcome, JournalError?) -> Void
    ) throws(JournalError) -> (event: Event, outcome: Outcome) {
        let (event, outcome) = try writer.appendWithoutWaiting(draft) { event, outcome, failure in
            whenDurable(event, outcome!, failure)
        }
        return (event, outcome!)
    }

    /// Reads the live state.
    func read<Value: Sendable>(_ body: (LedgerState) -> Value) -> Value {
        writer.read(body)
    }
}
