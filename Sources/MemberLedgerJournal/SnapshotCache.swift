import MemberLedgerCore
import Synchronization

/// Decoded snapshots kept in memory for repeated replays of the past (a server's `asOf` reads): loading
/// and checking a snapshot of many members costs far more than the records after it, and snapshot files
/// never change once written (they are written whole and renamed into place).
///
/// Holds at most `capacity` states, the least recently used going first; each is checked against the
/// journal when it is first loaded, as `LedgerReplay` checks any snapshot.
public final class SnapshotCache: Sendable {
    struct Entry: Sendable {
        let snapshot: Snapshot
        let state: LedgerState
        let position: JournalReader.Position
    }

    private let capacity: Int
    private let entries = Mutex<[(key: String, entry: Entry)]>([])

    /// A cache of at most `capacity` decoded snapshots.
    public init(capacity: Int = 2) {
        precondition(capacity > 0, "a cache holds at least one snapshot")
        self.capacity = capacity
    }

    func entry(_ key: String) -> Entry? {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
            let found = entries.remove(at: index)
            entries.append(found)
            return found.entry
        }
    }

    func keep(_ entry: Entry, as key: String) {
        entries.withLock { entries in
            entries.removeAll { $0.key == key }
            entries.append((key, entry))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}
