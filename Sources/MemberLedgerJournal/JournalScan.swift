import MemberLedgerCore

/// The last good record of a journal: what an auditor writes down as `SEQ:HASH`.
public struct JournalHead: Sendable, Equatable, CustomStringConvertible {
    /// Its sequence number (0 for a journal with only its header).
    public var seq: Int64
    /// Its hash (the header's hash when seq is 0).
    public var hash: String
    /// Its recorded time (the journal's creation time when seq is 0).
    public var recordedAt: Timestamp

    /// Creates a head.
    public init(seq: Int64, hash: String, recordedAt: Timestamp) {
        self.seq = seq
        self.hash = hash
        self.recordedAt = recordedAt
    }

    public var description: String { "\(seq):\(hash)" }
}

/// What is wrong with a journal, and where.
public enum JournalDamage: Sendable, Equatable, CustomStringConvertible {
    /// The end of the file is an interrupted append: an incomplete last line (no newline), possibly after
    /// lines of NUL bytes (blocks a crash left unwritten), and nothing else. No acknowledged record is
    /// in it (a record is acknowledged only once its whole line is durable), so recovery moves those bytes
    /// to quarantine and truncates the journal.
    case tornTail(offset: Int64, reason: String)
    /// Any other damage: a complete line that is not valid (its hash, its event or its encoding), valid
    /// lines after a bad one, a broken chain, a gap in seq, a damaged header (seq 0) or an empty file.
    /// A complete line was acknowledged once, so this is damage to acknowledged history. Nothing is
    /// repaired automatically; the journal reads up to `seq - 1` and refuses to open for writing.
    case corrupt(seq: Int64, offset: Int64, reason: String)

    /// The byte offset where the damage starts.
    public var offset: Int64 {
        switch self {
        case .tornTail(let offset, _), .corrupt(_, let offset, _): offset
        }
    }

    /// The seq of the first record the damage touches (one after the last good record, when torn).
    public var corruptSeq: Int64 {
        switch self {
        case .corrupt(let seq, _, _): seq
        case .tornTail: 0
        }
    }

    /// What was found wrong there.
    public var reason: String {
        switch self {
        case .tornTail(_, let reason), .corrupt(_, _, let reason): reason
        }
    }

    public var description: String {
        switch self {
        case .tornTail(let offset, let reason): "torn tail at byte \(offset): \(reason)"
        case .corrupt(let seq, let offset, let reason): "corrupt at seq \(seq), byte \(offset): \(reason)"
        }
    }
}

/// What reading a journal from its first byte found: the header, the last good record, how many bytes
/// are good, and the damage after them, if any.
public struct JournalScan: Sendable, Equatable {
    /// The journal's id from its header (nil when the header itself is damaged).
    public var journalID: String?
    /// The last good record.
    public var head: JournalHead
    /// Bytes from the start up to and including the last good line.
    public var goodLength: Int64
    /// The damage after `goodLength`, or nil when the whole file is good.
    public var damage: JournalDamage?
    /// Whether the only damage is an incomplete last line: a crash mid-write, or a write still in flight
    /// when a reader looked while the writer works.
    public var damageIsIncompleteLastLine: Bool
    /// Records salvaged away by `repair --salvage`, in order: the journal states them, in its chain.
    public var lost: [LostRecords] = []
}

/// Records that `repair --salvage` found damaged beyond repair and replaced with one chained line that
/// names them: their seqs are missing from history, for the reason given.
public struct LostRecords: Sendable, Equatable, CustomStringConvertible {
    /// The missing seqs.
    public var seqs: ClosedRange<Int64>
    /// When the salvage ran.
    public var salvagedAt: Timestamp
    /// What was wrong with them.
    public var reason: String

    /// Creates a description of lost records.
    public init(seqs: ClosedRange<Int64>, salvagedAt: Timestamp, reason: String) {
        self.seqs = seqs
        self.salvagedAt = salvagedAt
        self.reason = reason
    }

    public var description: String {
        let which = seqs.count == 1 ? "seq \(seqs.lowerBound)" : "seqs \(seqs.lowerBound)–\(seqs.upperBound)"
        return "\(which) lost (salvaged at \(salvagedAt.rfc3339): \(reason))"
    }
}

/// Classifies a journal line by line, as the file is read once from the start.
///
/// Rules (`Docs/journal-format.md`, "Valid lines and damage"): every line must be a valid line (complete,
/// matching its hash, decoding strictly, canonically encoded); records must continue the chain (seq one
/// more, `prev` the previous hash, time not going back). Only an incomplete last line, with nothing but
/// lines of NUL bytes before it, is a torn tail; any other bad line, and anything after it, is corruption.
struct JournalScanner {
    private(set) var journalID: String?
    private(set) var head = JournalHead(seq: 0, hash: "", recordedAt: Timestamp(microseconds: 0))
    private(set) var goodLength: Int64 = 0
    private(set) var lost: [LostRecords] = []
    private var suspect: (offset: Int64, reason: String, incomplete: Bool)?
    private(set) var corruption: JournalDamage?
    private var sawLine = false
    private let verify: Bool
    private let canonical: Bool

    /// A scanner that checks hashes and events when `verify` is set, and canonical bytes too unless
    /// `canonical` is false (see `JournalLine`).
    init(verify: Bool, canonical: Bool = true) {
        self.verify = verify
        self.canonical = canonical
    }

    /// Continues a scan in the middle of a journal, after a record known to be good (a snapshot's).
    mutating func resume(journalID: String, after head: JournalHead, offset: Int64, lost: [LostRecords] = []) {
        self.journalID = journalID
        self.head = head
        self.lost = lost
        goodLength = offset
        sawLine = true
    }

    /// Whether reading on can still change the verdict.
    var wantsMore: Bool { corruption == nil }

    /// Whether lines so far are all good (records can be replayed).
    var isClean: Bool { suspect == nil && corruption == nil }

    /// Feeds the next line (without its newline); `complete` is false for a last line with no newline.
    /// Returns the parsed line when it extends the good part of the journal.
    @discardableResult
    mutating func consume(_ line: UnsafeRawBufferPointer, at offset: Int64, complete: Bool) -> JournalLine? {
        guard corruption == nil else { return nil }
        return consume(line, at: offset, complete: complete, checked: check(line, complete: complete))
    }

    /// The line checked on its own, as `consume` checks it: what may run on another thread, ahead.
    func check(_ line: UnsafeRawBufferPointer, complete: Bool) -> Result<JournalLine, JournalLine.Defect> {
        guard complete else { return .failure(.incomplete) }
        do throws(JournalLine.Defect) {
            return .success(try JournalLine(line, verify: verify, canonical: canonical))
        } catch {
            return .failure(error)
        }
    }

    /// Feeds the next line with the result of `check` on it.
    @discardableResult
    mutating func consume(
        _ line: UnsafeRawBufferPointer, at offset: Int64, complete: Bool,
        checked: Result<JournalLine, JournalLine.Defect>
    ) -> JournalLine? {
        guard corruption == nil else { return nil }
        sawLine = true
        let what = journalID == nil ? "the header" : "record \(head.seq + 1)"
        let parsed: JournalLine
        do throws(JournalLine.Defect) {
            parsed = try checked.get()
        } catch {
            // A whole record and one byte that is not a newline was never a torn write (whose bytes are
            // a prefix of what was written): the acknowledged record's newline is damaged.
            let lineEndDamaged =
                error == .incomplete && line.count > 1
                && (try? JournalLine(
                    UnsafeRawBufferPointer(rebasing: line.dropLast()), verify: verify, canonical: canonical))
                    != nil
            // Only a line made of NUL bytes alone is a block a crash left unwritten; a record with a NUL in it
            // is a damaged record (calling it torn would quarantine an acknowledged record).
            let unwritten = (error == .incomplete || line.allSatisfy { $0 == 0 }) && !lineEndDamaged
            if unwritten && journalID != nil {
                if suspect == nil { suspect = (offset, "\(what): \(error)", false) }
                suspect?.incomplete = error == .incomplete
            } else {
                let defect = lineEndDamaged ? "its newline is damaged" : "\(error)"
                corruption = .corrupt(
                    seq: journalID == nil ? 0 : head.seq + 1, offset: suspect?.offset ?? offset,
                    reason: suspect.map { "\($0.reason), and a complete bad line follows it" } ?? "\(what): \(defect)")
            }
            return nil
        }
        if let suspect {
            corruption = .corrupt(
                seq: head.seq + 1, offset: suspect.offset, reason: "\(suspect.reason), and valid lines follow it")
            return nil
        }
        switch (parsed.kind, journalID) {
        case (.header(let id, let createdAt), nil):
            journalID = id
            head = JournalHead(seq: 0, hash: parsed.hash, recordedAt: createdAt)
        case (.header, _?):
            corruption = .corrupt(seq: head.seq + 1, offset: offset, reason: "a second header")
            return nil
        case (.record, nil), (.lost, nil):
            corruption = .corrupt(seq: 0, offset: offset, reason: "the header: records without a header")
            return nil
        case (.record(let seq, let recordedAt, let previous), _?):
            if let problem = chainProblem(seq: seq, recordedAt: recordedAt, previous: previous) {
                corruption = .corrupt(seq: head.seq + 1, offset: offset, reason: problem)
                return nil
            }
            head = JournalHead(seq: seq, hash: parsed.hash, recordedAt: recordedAt)
        case (.lost(let seqs, let salvagedAt, let reason, let original, let previous), _?):
            if let problem = chainProblem(seq: seqs.lowerBound, recordedAt: head.recordedAt, previous: previous) {
                corruption = .corrupt(seq: head.seq + 1, offset: offset, reason: problem)
                return nil
            }
            lost.append(LostRecords(seqs: seqs, salvagedAt: salvagedAt, reason: reason))
            head = JournalHead(seq: seqs.upperBound, hash: original ?? parsed.hash, recordedAt: head.recordedAt)
        }
        goodLength = offset + Int64(line.count) + 1
        return parsed
    }

    private func chainProblem(seq: Int64, recordedAt: Timestamp, previous: String) -> String? {
        if seq != head.seq + 1 { return "seq \(seq) follows \(head.seq) (a gap or a repeat)" }
        if previous != head.hash { return "prev does not match the hash of record \(head.seq) (broken chain)" }
        if recordedAt < head.recordedAt { return "recorded time goes back" }
        return nil
    }

    /// The verdict once the whole file was read.
    func finish() -> JournalScan {
        var damage = corruption ?? suspect.map { JournalDamage.tornTail(offset: $0.offset, reason: $0.reason) }
        if !sawLine { damage = .corrupt(seq: 0, offset: 0, reason: "the header: the journal is empty (0 bytes)") }
        return JournalScan(
            journalID: journalID, head: head, goodLength: goodLength, damage: damage,
            damageIsIncompleteLastLine: corruption == nil && suspect?.incomplete == true, lost: lost)
    }
}
