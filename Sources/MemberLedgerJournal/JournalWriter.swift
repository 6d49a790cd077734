import Dispatch
import Foundation
import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The single writer of a data folder's journal.
///
/// Opening takes the folder's advisory lock (a second writer is refused, naming the holder's pid),
/// recovers a torn tail into quarantine, and refuses a journal damaged before its tail unless asked to
/// force a repair. `append` returns only once the record is durable. Appends are coalesced (group commit):
/// callers stamp, chain and queue their record under a short lock and wait; a flusher thread writes
/// everything queued with one `write` and one `fdatasync`, then wakes exactly the callers it covered. A
/// failed write or sync poisons the writer: every waiting and later append throws, and only reopening
/// (which runs recovery) clears it.
public final class JournalWriter: Sendable {
    /// How to treat damage found on opening.
    public enum Repair: Sendable {
        /// Quarantine a torn tail; refuse corruption before it.
        case tornTailOnly
        /// Also quarantine everything from the first corrupt record on (`memberledger repair --force`).
        case force
    }

    /// Counters for the metrics endpoint and the benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Records made durable.
        public var records: Int64 = 0
        /// Write + sync rounds (each covers a batch).
        public var syncs: Int64 = 0
        /// The largest batch so far.
        public var largestBatch: Int64 = 0
        /// Seconds spent writing and syncing, in total.
        public var syncSeconds: Double = 0
        /// The slowest write + sync so far, in seconds.
        public var maxSyncSeconds: Double = 0
    }

    /// The data folder.
    public let folder: DataFolder
    /// The journal's id, from its header.
    public let journalID: String
    /// What recovery moved to quarantine when the writer opened, if anything.
    public let recovered: QuarantineRecord?
    /// Snapshots recovery moved to quarantine because the journal no longer backs them (one beyond the
    /// head after a torn tail was cut), each said for a person.
    public let snapshotsQuarantined: [String]

    private let lockFile: FileDescriptor
    private let clock: @Sendable () -> Timestamp
    private let queue: CommitQueue

    /// Opens (creating if needed) the data folder's journal for writing.
    public init(
        folder: DataFolder, storage: any JournalStorage = SystemStorage(),
        clock: @escaping @Sendable () -> Timestamp = SystemClock.now, repair: Repair = .tornTailOnly,
        newJournalID: String? = nil
    ) throws(JournalError) {
        self.folder = folder
        self.clock = clock
        do {
            try folder.create()
        } catch {
            throw .io(error)
        }
        lockFile = try Self.takeLock(folder)
        var opened: FileDescriptor?
        do {
            let file = try Self.openJournal(folder, clock: clock, newJournalID: newJournalID)
            opened = file
            let (scan, quarantined) = try Self.recover(
                file, folder: folder, repair: repair, clock: clock, newJournalID: newJournalID)
            guard let journalID = scan.journalID else { preconditionFailure("recovery leaves a header") }
            self.journalID = journalID
            self.recovered = quarantined
            // A cut journal must not leave a snapshot that vouches for records it no longer holds.
            snapshotsQuarantined =
                quarantined == nil ? [] : JournalSalvage(folder: folder).quarantineStaleSnapshots(now: clock())
            self.queue = CommitQueue(
                file: file, storage: storage, head: scan.head, endOffset: scan.goodLength,
                headOffset: scan.head.seq == 0 ? 0 : try Self.lastLineStart(file, before: scan.goodLength))
        } catch {
            opened?.close()
            lockFile.close()
            throw error
        }
    }

    deinit {
        queue.stop()
        lockFile.close()
    }

    /// The last record known to be durable.
    public var lastRecord: JournalHead { queue.withState { $0.durable.head } }

    /// Where the journal durably stands: the last durable record, the offset after it, and where its line
    /// starts (what a snapshot of the state at that record records).
    public var position: (position: JournalReader.Position, recordOffset: Int64) {
        queue.withState { state in
            (
                JournalReader.Position(journalID: journalID, head: state.durable.head, offset: state.durable.endOffset),
                state.durable.headOffset
            )
        }
    }

    /// Stops every later append (it throws `.corrupt(damage)`): damage found in the journal while it is
    /// being written (by the server's scrub) must not get records appended after it. Only reopening, which
    /// refuses the damaged journal until it is repaired, clears it.
    public func halt(_ damage: JournalDamage) {
        queue.modifyState { state in
            if state.failure == nil { state.failure = .corrupt(damage) }
        }
    }

    /// Counters since the writer opened.
    public var counters: Statistics { queue.withState { $0.statistics } }

    /// Keeps `state` (which must stand at the journal's head) as the live state: from here every record
    /// appended is applied to it in seq order as it is sequenced, and appends return its outcome.
    public func keep(_ state: LedgerState) {
        queue.modifyState { $0.sequencer.keep(state) }
    }

    /// Calls `body` with every batch of records once it is durable, in seq order, on the flusher's thread
    /// (before the batch's appenders are told): it must only hand them on. One observer per writer.
    public func observe(_ body: @escaping @Sendable ([DurableRecord]) -> Void) {
        queue.modifyState { $0.observer = body }
    }

    /// Reads the live state kept with `keep`, as of the last record sequenced (queued, maybe not durable).
    public func read<Value>(_ body: (LedgerState) -> Value) -> Value {
        queue.withState { state in
            guard let live = state.sequencer.state else { preconditionFailure("the writer keeps no live state") }
            return body(live)
        }
    }

    /// Appends one event and returns it as recorded, once it is durable.
    @discardableResult
    public func append(_ draft: EventDraft) throws(JournalError) -> Event {
        try append(draft, timeout: nil).event
    }

    /// Appends one event; returns it with its outcome on the live state (nil when none is kept) once
    /// durable. With `timeout`, throws `.stillWriting` if the disk has not made it durable in time.
    public func append(
        _ draft: EventDraft, timeout: Double? = nil
    ) throws(JournalError) -> (event: Event, outcome: Outcome?) {
        let (event, outcome, waiter) = try enqueue(draft)
        try waiter.wait(timeout: timeout, seq: event.seq)
        return (event, outcome)
    }

    /// Sequences one event under the queue's lock, and returns its waiter.
    private func enqueue(_ draft: EventDraft) throws(JournalError) -> (Event, Outcome?, CommitQueue.Waiter) {
        // Everything but seq and time is encoded before the lock, in parallel with other appenders.
        let tail = try Self.checkedTail(of: draft.stamped(seq: 1, at: Timestamp(microseconds: 0)))
        return try queue.enqueue { (state) throws(JournalError) in
            let (event, outcome, line) = state.sequencer.sequence(draft, tail: tail, now: clock())
            state.queue(line, event: event, outcome: outcome)
            return (event, outcome)
        }
    }

    /// Appends one event without waiting: returns it with its outcome at once (sequenced and applied, not
    /// yet durable), and calls `whenDurable` with them once the record is durable (failure nil) or the
    /// journal failed (the error), on the flusher's thread (or this one, when the disk was quicker): it
    /// must only hand the news on (the server posts it to an event loop).
    @discardableResult
    public func appendWithoutWaiting(
        _ draft: EventDraft, whenDurable: @escaping @Sendable (Event, Outcome?, JournalError?) -> Void
    ) throws(JournalError) -> (event: Event, outcome: Outcome?) {
        let (event, outcome, waiter) = try enqueue(draft)
        waiter.whenDurable { failure in whenDurable(event, outcome, failure) }
        return (event, outcome)
    }

    /// Appends several events as one batch (bulk import): one write and one sync for all of them, returned
    /// in order once durable.
    public func append(contentsOf drafts: [EventDraft]) throws(JournalError) -> [Event] {
        var tails: [[UInt8]] = []
        for draft in drafts {
            tails.append(try Self.checkedTail(of: draft.stamped(seq: 1, at: Timestamp(microseconds: 0))))
        }
        let (events, _, waiter) = try queue.enqueue { (state) throws(JournalError) in
            let events = zip(drafts, tails).map { draft, tail in
                let (event, outcome, line) = state.sequencer.sequence(draft, tail: tail, now: clock())
                state.queue(line, event: event, outcome: outcome)
                return event
            }
            return (events, ())
        }
        try waiter.wait()
        return events
    }

    /// Appends an event recorded elsewhere (moving an exported journal, building test journals) as it is;
    /// its seq must be the next one and its time must not go back. Returns once durable.
    public func append(recorded event: Event) throws(JournalError) {
        let tail = try Self.checkedTail(of: event)
        let (_, _, waiter) = try queue.enqueue { (state) throws(JournalError) in
            let (line, outcome) = state.sequencer.sequence(recorded: event, tail: tail)
            state.queue(line, event: event, outcome: outcome)
            return ((), ())
        }
        try waiter.wait()
    }

    /// An event's encoded tail, refused when the record would be too long for a reader to read back.
    private static func checkedTail(of event: Event) throws(JournalError) -> [UInt8] {
        let tail = JournalFormat.tail(of: event)
        guard tail.count <= JournalFormat.maximumTailBytes else {
            throw .recordTooLarge(bytes: tail.count, limit: JournalFormat.maximumTailBytes)
        }
        return tail
    }

    // MARK: - Opening

    /// The offset where the last line before `end` starts (the file's lines end with newlines).
    private static func lastLineStart(_ file: FileDescriptor, before end: Int64) throws(JournalError) -> Int64 {
        var start = end - 1
        while start > 0 {
            let from = max(0, start - 65_536)
            let chunk: [UInt8]
            do {
                chunk = try file.read(count: Int(start - from), at: from)
            } catch {
                throw .io(error)
            }
            if let newline = chunk.lastIndex(of: UInt8(ascii: "\n")) { return from + Int64(newline) + 1 }
            start = from
        }
        return 0
    }

    static func takeLock(_ folder: DataFolder) throws(JournalError) -> FileDescriptor {
        do {
            let lock = try FileDescriptor.open(folder.lock, O_RDWR | O_CREAT)
            // When the holder is this very process, a writer here was just closed while another thread was
            // spawning a child: the child holds a copy of the lock's descriptor until its exec closes it
            // (close-on-exec). That lasts microseconds, so this process retries for up to 2 s; any other
            // holder is refused at once.
            var attempts = 0
            while try !lock.tryLockExclusive() {
                let text = String(decoding: (try? lock.read(count: 32, at: 0)) ?? [], as: UTF8.self)
                let holder = Int32(text.trimmingWhitespace)
                attempts += 1
                guard holder == getpid(), attempts < 2000 else {
                    lock.close()
                    throw JournalError.locked(path: folder.lock, pid: holder)
                }
                usleep(1000)
            }
            try lock.truncate(to: 0)
            try? lock.write(Array("\(getpid())\n".utf8), at: 0)
            return lock
        } catch let error as JournalError {
            throw error
        } catch let error as SystemError {
            throw .io(error)
        } catch {
            preconditionFailure("unexpected \(error)")
        }
    }

    private static func openJournal(
        _ folder: DataFolder, clock: () -> Timestamp, newJournalID: String?
    ) throws(JournalError) -> FileDescriptor {
        if !FileSystem.exists(folder.journal), let marker = SnapshotRestore(folder: folder).marker {
            throw .restoredFromSnapshot(seq: marker.record.seq)
        }
        do {
            // A new journal appears whole (header written, synced, renamed into place), so an empty or
            // header-less journal file is always damage, never a journal being created.
            if !FileSystem.exists(folder.journal) {
                try FileSystem.writeDurably(
                    JournalFormat.headerLine(journalID: newJournalID ?? randomJournalID(), createdAt: clock()),
                    to: folder.journal)
            }
            return try FileDescriptor.open(folder.journal, O_RDWR | O_APPEND)
        } catch {
            throw .io(error)
        }
    }

    /// Writes a new header: a random 128-bit journal id (unless one is given, for test vectors).
    private static func writeHeader(
        to file: FileDescriptor, folder: DataFolder, clock: () -> Timestamp, journalID: String?
    ) throws(SystemError) {
        try file.writeAll(JournalFormat.headerLine(journalID: journalID ?? randomJournalID(), createdAt: clock()))
        try file.sync()
        let directory = try FileDescriptor.openDirectory(folder.path)
        defer { directory.close() }
        try directory.syncDirectory()
    }

    /// A random 128-bit journal id, in hex.
    private static func randomJournalID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Scans the journal; quarantines a torn tail (or, when forced, everything from corruption on).
    private static func recover(
        _ file: FileDescriptor, folder: DataFolder, repair: Repair, clock: () -> Timestamp, newJournalID: String?
    ) throws(JournalError) -> (JournalScan, QuarantineRecord?) {
        let scan = try JournalReader.scan(file, verify: true)
        guard let damage = scan.damage else { return (scan, nil) }
        if case .corrupt = damage, repair != .force { throw .corrupt(damage) }
        do {
            let record = try QuarantineRecord.quarantine(
                file, from: damage.offset, reason: "\(damage)", folder: folder, at: clock())
            try file.truncate(to: damage.offset)
            try file.sync()
            let directory = try FileDescriptor.openDirectory(folder.path)
            defer { directory.close() }
            try directory.syncDirectory()
            if damage.offset == 0 {
                try writeHeader(to: file, folder: folder, clock: clock, journalID: newJournalID)
            }
            return (try JournalReader.scan(file, verify: true), record)
        } catch let error as SystemError {
            throw .io(error)
        } catch let error as JournalError {
            throw error
        } catch {
            preconditionFailure("unexpected \(error)")
        }
    }
}
