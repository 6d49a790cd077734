import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A byte-identical, verified copy of another folder's journal (`memberledger follow` and `backup`).
///
/// Rules: the copy holds the writer's lock of its folder, so nothing else writes there while it grows
/// (and `serve` on it, which promotes it, must wait until copying stops); bytes are appended only after
/// every line in them was checked as `verify` checks it, continuing the copy's own chain, so the copy is
/// always a verified prefix of the source and never holds a record the source does not; each append is
/// made durable before it counts. A copy interrupted mid-append holds a torn tail, which opening drops
/// (the source still has those bytes); any other damage, or bytes that do not continue the chain, stop
/// the copy with the reason.
public final class JournalReplica {
    /// Why a copy cannot go on.
    public enum Failure: Error, CustomStringConvertible {
        /// The source is another journal than the one this copy holds.
        case otherJournal(copy: String, source: String)
        /// The source's bytes at `offset` do not continue the copy (the source was rewritten or repaired).
        case diverged(offset: Int64, reason: String)
        /// The copy itself is damaged.
        case damaged(JournalDamage)
        /// The copy's folder is in use or cannot be written.
        case journal(JournalError)

        public var description: String {
            switch self {
            case .otherJournal(let copy, let source):
                "the source holds journal \(source), this copy journal \(copy)"
            case .diverged(let offset, let reason):
                "the source's bytes at offset \(offset) do not continue this copy: \(reason)"
            case .damaged(let damage): "this copy is damaged: \(damage)"
            case .journal(let error): "\(error)"
            }
        }
    }

    /// The copy's folder.
    public let folder: DataFolder
    private let lock: FileDescriptor
    private var file: FileDescriptor?
    private var scanner = JournalScanner(verify: true)

    /// The journal's id (nil until the header was copied).
    public var journalID: String? { scanner.journalID }
    /// The copy's last record.
    public var head: JournalHead { scanner.head }
    /// How many bytes the copy holds: where the next copied byte goes.
    public var length: Int64 { scanner.goodLength }

    /// Opens (creating) the copy in `folder`: takes its lock, checks what it holds, drops a torn tail.
    public init(folder: DataFolder) throws(Failure) {
        self.folder = folder
        do {
            try folder.create()
        } catch {
            throw .journal(.io(error))
        }
        do {
            lock = try JournalWriter.takeLock(folder)
        } catch {
            throw .journal(error)
        }
        guard FileSystem.exists(folder.journal) else { return }
        do {
            let existing = try FileDescriptor.open(folder.journal, O_RDWR | O_APPEND)
            file = existing
            // An empty file is a copy that never got its first bytes.
            guard try existing.size() > 0 else { return }
            let scan = try JournalReader.scan(existing, verify: true)
            switch scan.damage {
            case .corrupt?: throw Failure.damaged(scan.damage!)
            case .tornTail?:
                try existing.truncate(to: scan.goodLength)
                try existing.sync()
            case nil: break
            }
            // Appends continue from the copy's last good record; the one scan above vouched for the rest.
            guard let journalID = scan.journalID else { preconditionFailure("an intact copy has a header") }
            scanner.resume(journalID: journalID, after: scan.head, offset: scan.goodLength, lost: scan.lost)
        } catch let failure as Failure {
            throw failure
        } catch let error as JournalError {
            throw .journal(error)
        } catch let error as SystemError {
            throw .journal(.io(error))
        } catch {
            preconditionFailure("unexpected \(error)")
        }
    }

    deinit {
        file?.close()
        lock.close()
    }

    /// Copies `source`'s journal from where this copy ends up to `end` (its verified good length), in
    /// large chunks of whole lines, each checked on the way in. Returns the copy's head.
    @discardableResult
    public func copy(from source: DataFolder, through end: Int64, journalID: String) throws -> JournalHead {
        let file = try FileDescriptor.open(source.journal, O_RDONLY)
        defer { file.close() }
        while length < end {
            guard try append(Self.wholeLines(of: file, from: length, to: end), journalID: journalID) > 0 else {
                throw Failure.diverged(offset: length, reason: "no whole line before byte \(end)")
            }
        }
        return head
    }

    /// The bytes of `file` from `offset`, about `chunk` of them, ending on a line end (or at `end`): a
    /// line longer than `chunk` (records may be up to `LineReader.maxLineLength`) is read whole.
    public static func wholeLines(
        of file: FileDescriptor, from offset: Int64, to end: Int64, chunk: Int64 = 4 << 20
    ) throws(SystemError) -> [UInt8] {
        var size = chunk
        while true {
            var bytes = try file.read(count: Int(min(end - offset, size)), at: offset)
            if offset + Int64(bytes.count) >= end { return bytes }
            if let last = bytes.lastIndex(of: 10) {
                bytes.removeSubrange((last + 1)...)
                return bytes
            }
            size *= 2
        }
    }

    /// Keeps in the folder that the copy, every line of which was checked on arrival, is verified up to
    /// its head at `now` (what its read verbs report).
    public func noteVerified(at now: Timestamp) {
        VerificationRecord(scanner.finish(), verifiedAt: now).save(in: folder)
    }

    /// Appends `bytes`, the source's bytes from `length` on, of journal `journalID`: checks every line,
    /// writes the whole lines and makes them durable. Returns how many lines were added.
    @discardableResult
    public func append(_ bytes: [UInt8], journalID source: String) throws(Failure) -> Int {
        if let journalID, journalID != source { throw .otherJournal(copy: journalID, source: source) }
        var trial = scanner
        var accepted = 0
        var lines = 0
        var failure: Failure?
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count, let newline = buffer[start...].firstIndex(of: 10) {
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<newline])
                let offset = length + Int64(start)
                guard trial.consume(line, at: offset, complete: true) != nil else {
                    failure = .diverged(offset: offset, reason: trial.finish().damage?.reason ?? "not a valid line")
                    return
                }
                start = newline + 1
                accepted = start
                lines += 1
            }
        }
        if let failure { throw failure }
        if trial.journalID != source && trial.journalID != nil {
            throw .otherJournal(copy: trial.journalID!, source: source)
        }
        guard accepted > 0 else { return 0 }
        do {
            if file == nil {
                file = try FileDescriptor.open(folder.journal, O_RDWR | O_CREAT | O_APPEND)
                try FileSystem.syncFolder(of: folder.journal)
            }
            try file!.writeAll(Array(bytes[..<accepted]))
            try file!.sync()
        } catch {
            throw .journal(.io(error))
        }
        scanner = trial
        return lines
    }
}
