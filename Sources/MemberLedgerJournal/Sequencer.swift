import MemberLedgerCore

/// Puts records in the journal's one order: stamps each draft with the next seq and a time that never
/// goes back, applies it to the live state when the writer keeps one, and chains its record line after
/// the head.
///
/// The three happen together, under the commit queue's lock and nowhere else, so the live state, the
/// hash chain and the order of the bytes on disk are one order: the state reflects exactly the records
/// queued, and an answer's outcome is the outcome replay computes for that seq.
struct Sequencer {
    /// The last record sequenced (queued; it may not be durable yet).
    private(set) var head: JournalHead
    /// The journal's length once everything sequenced is written.
    private(set) var endOffset: Int64
    /// Where the head record's line starts.
    private(set) var headOffset: Int64
    /// The live state the server keeps, at `head`; nil for writers that only append (the CLI, imports).
    private(set) var state: LedgerState?

    init(head: JournalHead, endOffset: Int64, headOffset: Int64) {
        self.head = head
        self.endOffset = endOffset
        self.headOffset = headOffset
    }

    /// Starts keeping `state`, which must stand at the head: from here every record sequenced is applied.
    mutating func keep(_ state: LedgerState) {
        precondition(
            state.lastSeq == head.seq, "a live state at seq \(state.lastSeq) kept by a journal at seq \(head.seq)")
        self.state = state
    }

    /// Sequences a draft whose tail (`JournalFormat.tail`) was encoded already: the event as stamped, its
    /// outcome when a state is kept, and the record line to queue.
    mutating func sequence(
        _ draft: EventDraft, tail: [UInt8], now: Timestamp
    ) -> (event: Event, outcome: Outcome?, line: [UInt8]) {
        let event = draft.stamped(seq: head.seq + 1, at: max(now, head.recordedAt))
        let outcome = state?.apply(event)
        return (event, outcome, chain(event, tail: tail))
    }

    /// Sequences an event recorded elsewhere, as it is: its seq must be the next one and its time must not
    /// go back.
    mutating func sequence(recorded event: Event, tail: [UInt8]) -> (line: [UInt8], outcome: Outcome?) {
        precondition(event.seq == head.seq + 1, "recorded event \(event.seq) does not follow \(head.seq)")
        precondition(event.recordedAt >= head.recordedAt, "recorded event \(event.seq) goes back in time")
        let outcome = state?.apply(event)
        return (chain(event, tail: tail), outcome)
    }

    private mutating func chain(_ event: Event, tail: [UInt8]) -> [UInt8] {
        let (line, hash) = JournalFormat.recordLine(
            seq: event.seq, recordedAt: event.recordedAt, tail: tail, previousHash: head.hash)
        head = JournalHead(seq: event.seq, hash: hash, recordedAt: event.recordedAt)
        headOffset = endOffset
        endOffset += Int64(line.count)
        precondition(state == nil || state!.lastSeq == head.seq, "the live state left the journal's order")
        return line
    }
}
