import CMemberLedgerSystem

/// The calling thread's scheduling priority: background work (password hashing, the journal's scrub)
/// runs below the event loops, so it uses idle cores without taking them from ingest.
public enum ThreadPriority {
    /// Lowers the calling thread's priority by `niceness` (Linux's per-thread nice; nothing where threads
    /// have no nice value of their own). Returns whether it took effect.
    @discardableResult
    public static func lower(by niceness: Int32) -> Bool {
        niceness > 0 && cml_lower_thread_priority(niceness) == 0
    }
}
