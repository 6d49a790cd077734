import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a journal without the writer's lock: readers never block the writer and never see a partial
/// record, because they stop at the first line that is incomplete or does not check out.
public struct JournalReader: Sendable {
    /// The data folder read.
    public let folder: DataFolder

    /// A reader of a data folder's journal.
    public init(folder: DataFolder) {
        self.folder = folder
    }

    /// Reads the whole journal and says whether it is intact: header, every hash, the chain, seq without
    /// gaps. An incomplete last line while a writer holds the lock is a record being written, not damage.
    /// Throws only when the file cannot be opened or read.
    public func verify(progress: ((_ bytesRead: Int64, _ records: Int64) -> Void)? = nil) throws(JournalError)
        -> JournalScan
    {
        let file = try open()
        defer { file.close() }
        var scan = try Self.scan(LineReader(file: file), verify: true, progress: progress)
        if scan.damageIsIncompleteLastLine && writerIsActive {
            scan.damage = nil
            scan.damageIsIncompleteLastLine = false
        }
        return scan
    }

    /// Whether a writer holds the data folder's lock right now (probed with a shared lock, released at once).
    public var writerIsActive: Bool {
        guard let lock = try? FileDescriptor.open(folder.lock, O_RDONLY) else { return false }
        defer { lock.close() }
        if flock(lock.rawValue, LOCK_SH | LOCK_NB) == 0 {
            flock(lock.rawValue, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Where to start reading in the middle of a journal: after a record known to be good.
    public struct Position: Sendable, Equatable {
        /// The journal's id.
        public var journalID: String
        /// The record read last.
        public var head: JournalHead
        /// The byte offset just after it.
        public var offset: Int64

        /// Creates a position.
        public init(journalID: String, head: JournalHead, offset: Int64) {
            self.journalID = journalID
            self.head = head
            self.offset = offset
        }
    }

    /// Calls `body` with every good event in order, from seq 1 or after `position`, stopping at the first
    /// damage or when `body` returns false. `body` also gets the byte offset where the event's line starts
    /// and the position after it; `lost` is told, in order, of records salvaged away (a journal without
    /// any never calls it). Returns the scan of what was read.
    @discardableResult
    public func forEachEvent(
        verify: Bool, after position: Position? = nil,
        lost: ((_ seqs: ClosedRange<Int64>, _ lineOffset: Int64) -> Void)? = nil,
        _ body: (_ event: Event, _ recordOffset: Int64, _ after: Position) throws -> Bool
    ) throws -> JournalScan {
        let file = try open()
        defer { file.close() }
        // Lines are read and decoded on a second thread, ahead of `body`.
        let ahead = ReadAhead(file: file, verify: verify, after: position)
        while true {
            switch ahead.receive() {
            case .events(let items):
                for item in items {
                    let goOn: Bool
                    do {
                        switch item.entry {
                        case .event(let event): goOn = try body(event, item.recordOffset, item.after)
                        case .lost(let seqs):
                            lost?(seqs, item.recordOffset)
                            goOn = true
                        }
                    } catch {
                        ahead.cancel()
                        throw error
                    }
                    if !goOn {
                        ahead.cancel()
                        // What a scan stopped right after this record says: it was clean up to here.
                        return JournalScan(
                            journalID: item.after.journalID, head: item.after.head, goodLength: item.after.offset,
                            damage: nil, damageIsIncompleteLastLine: false)
                    }
                }
            case .finished(let scan):
                return scan
            case .failed(let error):
                throw error
            }
        }
    }

    func open() throws(JournalError) -> FileDescriptor {
        guard FileSystem.exists(folder.journal) else { throw .noJournal(path: folder.journal) }
        do {
            return try FileDescriptor.open(folder.journal, O_RDONLY)
        } catch {
            throw .io(error)
        }
    }

    /// Classifies a journal held in memory exactly as opening its file would (for tests and tools).
    public static func scan(bytes: [UInt8], verify: Bool = true) -> JournalScan {
        do {
            return try scan(LineReader(bytes: bytes), verify: verify)
        } catch {
            preconditionFailure("reading memory cannot fail: \(error)")
        }
    }

    /// What a journal's good lines hold, in order: events, and records salvaged away.
    public enum Entry: Sendable {
        /// A record's event.
        case event(Event)
        /// Seqs a lost-records line says are missing (`repair --salvage`).
        case lost(ClosedRange<Int64>)
    }

    /// The entries of a journal held in memory, read and checked exactly as its file would be, up to its
    /// first damage, with the scan.
    public static func entries(inJournal bytes: [UInt8]) -> (entries: [Entry], scan: JournalScan) {
        var scanner = JournalScanner(verify: true)
        var entries: [Entry] = []
        do {
            try LineReader(bytes: bytes).forEachLine { line, offset, complete in
                let parsed = scanner.consume(line, at: offset, complete: complete)
                switch parsed?.kind {
                case .record?:
                    // A verified record line carries its decoded event.
                    if scanner.isClean, let event = parsed?.event { entries.append(.event(event)) }
                case .lost(let seqs, _, _, _, _)?: if scanner.isClean { entries.append(.lost(seqs)) }
                case .header?, nil: break
                }
                return scanner.wantsMore
            }
        } catch {
            preconditionFailure("reading memory cannot fail: \(error)")
        }
        return (entries, scanner.finish())
    }

    /// Scans a whole journal file from its first byte.
    static func scan(_ file: FileDescriptor, verify: Bool) throws(JournalError) -> JournalScan {
        try scan(LineReader(file: file), verify: verify)
    }

    private static func scan(
        _ reader: LineReader, verify: Bool, progress: ((Int64, Int64) -> Void)? = nil
    ) throws(JournalError) -> JournalScan {
        var scanner = JournalScanner(verify: verify)
        var batch = LineBatch()
        // Lines are checked (hash, event, canonical bytes) in batches on every core, then fed to the
        // scanner in order: the checks are independent, only the chain is sequential.
        func feed() {
            let checked = batch.check(with: scanner)
            for index in batch.lines.indices where scanner.wantsMore {
                let (start, end, offset, complete) = batch.lines[index]
                batch.bytes.withUnsafeBytes { bytes in
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    scanner.consume(line, at: offset, complete: complete, checked: checked[index])
                    progress?(offset + Int64(line.count) + 1, scanner.head.seq)
                }
            }
            batch.clear()
        }
        do {
            try reader.forEachLine { line, offset, complete in
                batch.append(line, at: offset, complete: complete)
                guard batch.isFull else { return true }
                feed()
                return scanner.wantsMore
            }
            feed()
        } catch let error as SystemError {
            throw .io(error)
        } catch {
            preconditionFailure("unexpected \(error)")
        }
        return scanner.finish()
    }
}
