// The journal's API speaks in `FileDescriptor` and `SystemError`: its users get them with it.
@_exported import MemberLedgerSystem

/// MemberLedgerJournal owns the data folder on disk: the append-only, hash-chained journal of events
/// (one JSON line a record), its single writer with group commit and fail-stop on I/O errors, recovery
/// of a torn tail into quarantine, verification for auditors, snapshots of the canonical state, and
/// replay to any point in history. Every syscall it makes goes through `FileDescriptor` and the
/// `JournalStorage` seam, so faults can be injected in tests.
public enum MemberLedgerJournal {}
