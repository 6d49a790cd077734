import MemberLedgerCore

/// A record the journal has made durable, as its observer (the server's read side) learns of it: the
/// event as stamped, its outcome on the live state, and where its line starts.
///
/// Observers see records only after their sync, in seq order, so nothing a reader shows can vanish in a
/// crash.
public struct DurableRecord: Sendable {
    /// The event as recorded.
    public let event: Event
    /// Its outcome on the writer's live state; nil for a writer that keeps none.
    public let outcome: Outcome?
    /// The byte offset where its line starts.
    public let offset: Int64
    /// The journal's head after it.
    public let head: JournalHead
}
