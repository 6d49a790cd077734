/// Why the journal refused an operation. Each case says what a user can do about it.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process is the writer of this data folder.
    case locked(path: String, pid: Int32?)
    /// The journal is damaged before its tail; it stays readable up to the damage, but nothing is written
    /// until someone runs a forced repair.
    case corrupt(JournalDamage)
    /// A file operation failed.
    case io(SystemError)
    /// An earlier write or sync failed, so nothing more is written: reopen the journal (which recovers
    /// it) before appending again. Retrying an fsync is never safe.
    case poisoned(SystemError)
    /// The writer was closed.
    case closed
    /// There is no journal in the data folder.
    case noJournal(path: String)
    /// The folder was restored from the snapshot at `seq` and has no journal: nothing may be written.
    case restoredFromSnapshot(seq: Int64)
    /// The record is queued but not durable within the caller's time limit; it will still be written (or
    /// the writer poisoned), so a retry finds it as a duplicate.
    case stillWriting(seq: Int64)
    /// An event too large to be a record (nothing was written).
    case recordTooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .locked(let path, let pid):
            "another writer\(pid.map { " (pid \($0))" } ?? "") holds \(path); stop it, or send events to its /events endpoint"
        case .corrupt(let damage):
            "journal is damaged (\(damage)); it can be read up to there, and `memberledger repair --force` quarantines the rest"
        case .io(let error): "\(error)"
        case .poisoned(let error): "journal stopped after a failed write or sync (\(error)); reopen it to recover"
        case .closed: "journal writer is closed"
        case .noJournal(let path): "no journal at \(path)"
        case .restoredFromSnapshot(let seq):
            "this folder was restored from the snapshot at seq \(seq) and has no journal; bring the journal back "
                + "from a replica (`memberledger repair --from REPLICA`) before anything is written"
        case .stillWriting(let seq): "record \(seq) is not durable yet; the disk is slow"
        case .recordTooLarge(let bytes, let limit):
            "an event of \(bytes) bytes is over the \(limit)-byte limit of a record; nothing was written"
        }
    }
}
