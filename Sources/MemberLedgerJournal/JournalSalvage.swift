import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Repair that keeps what is intact (`memberledger repair --from REPLICA` and `--salvage`).
///
/// The journal is rebuilt line by line: every valid record of its own that continues the chain is kept
/// byte for byte; a damaged or missing record is restored byte for byte from a replica (a follower's or a
/// backup's folder of the same journal), accepted only when it links the chain up again; with `salvage`,
/// records no replica has are replaced by one lost-records line that names their seqs, keeps the chain
/// (the record after the gap still links to the hash its `prev` names) and says why. The result is
/// verified whole before it replaces the journal; the original bytes go to quarantine first, and
/// snapshots that no longer match the journal (beyond its head, or after a changed byte offset) are
/// quarantined too, never deleted. Nothing is rewritten silently: the report says every seq restored
/// and lost.
public struct JournalSalvage: Sendable {
    /// What a repair did.
    public struct Report: Sendable {
        /// Seqs restored from the replica.
        public var restored: [ClosedRange<Int64>] = []
        /// Seqs replaced by a lost-records line.
        public var lost: [LostRecords] = []
        /// Records of the journal's own kept after the first damage.
        public var keptAfterDamage: Int64 = 0
        /// Where the original journal went, when it changed.
        public var quarantined: QuarantineRecord?
        /// Snapshots moved to quarantine, with why.
        public var snapshotsQuarantined: [String] = []
        /// The journal's head afterwards.
        public var head = JournalHead(seq: 0, hash: "", recordedAt: Timestamp(microseconds: 0))
        /// For each snapshot at or after the first lost seq: how the replay now differs from it.
        public var differences: [String] = []
        /// Whether anything changed.
        public var changed: Bool { quarantined != nil }
    }

    /// Why a repair could not be made; the journal is left as it was.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The header is damaged and no replica has it.
        case headerDamaged(String)
        /// Records are damaged or missing and neither the replica nor `--salvage` may fill them.
        case cannotFill(seqs: ClosedRange<Int64>, offset: Int64, why: String)
        /// A valid record follows the damage but does not link to anything before it.
        case unlinked(seq: Int64, offset: Int64)
        /// The replica is another journal.
        case otherJournal(String)

        public var description: String {
            switch self {
            case .headerDamaged(let why): "the journal's header is damaged (\(why)) and no replica has it"
            case .cannotFill(let seqs, let offset, let why):
                "records \(seqs.lowerBound)–\(seqs.upperBound) (byte \(offset)) are damaged or missing: \(why)"
            case .unlinked(let seq, let offset):
                "record \(seq) (byte \(offset)) is intact but does not link to the records before it"
            case .otherJournal(let id): "the replica holds another journal (\(id))"
            }
        }
    }

    /// One line of a journal file, checked.
    private struct Line {
        var offset: Int64
        var bytes: ArraySlice<UInt8>
        var parsed: JournalLine?
    }

    /// The data folder repaired.
    public let folder: DataFolder

    /// A repair of `folder`.
    public init(folder: DataFolder) {
        self.folder = folder
    }

    /// Brings back a journal that is missing altogether from `replica` (a verified byte copy of its good
    /// part); a folder restored from a snapshot must then hold that snapshot's record, or nothing is kept.
    public func restoreMissing(from replica: DataFolder, now: Timestamp) throws -> Report {
        let scan = try JournalReader(folder: replica).verify()
        if case .corrupt? = scan.damage {
            throw Failure.cannotFill(
                seqs: 1...max(1, scan.head.seq + 1), offset: scan.goodLength,
                why: "the replica is damaged too: \(scan.damage!)")
        }
        guard let journalID = scan.journalID else { throw Failure.headerDamaged("the replica has no header") }
        let restore = SnapshotRestore(folder: folder)
        let marker = restore.marker
        if let marker, marker.journalID != journalID { throw Failure.otherJournal(journalID) }
        let copy = try JournalReplica(folder: folder)
        let head = try copy.copy(from: replica, through: scan.goodLength, journalID: journalID)
        if let marker {
            let snapshot = try Snapshot(fileBytes: FileSystem.readFile(marker.path))
            if let problem = try Self.bindingProblem(snapshot, folder: folder) {
                try FileSystem.rename(
                    folder.journal,
                    to: "\(folder.quarantine)/journal-from-replica-\(now.microseconds).jsonl")
                throw Failure.cannotFill(
                    seqs: marker.record.seq...marker.record.seq, offset: snapshot.recordOffset,
                    why: "the replica's journal does not hold the restored snapshot's record: the snapshot \(problem)")
            }
            try restore.finish()
        }
        var report = Report()
        report.restored = head.seq > 0 ? [1...head.seq] : []
        report.head = head
        return report
    }

    /// Repairs the journal under the writer's lock: restores from `replica` what it can, salvages the rest
    /// when `salvage` is set, and reports; throws `Failure` when damage is left that neither may fill.
    public func repair(from replica: DataFolder?, salvage: Bool, now: Timestamp) throws -> Report {
        try folder.create()
        let lock = try JournalWriter.takeLock(folder)
        defer { lock.close() }
        let original = try FileSystem.readFile(folder.journal)
        let own = Self.lines(of: original)
        var donor: [Int64: Line] = [:]
        var donorHeader: Line?
        if let replica {
            let replicaBytes = try FileSystem.readFile(replica.journal)
            let scan = JournalReader.scan(bytes: replicaBytes)
            // Only the replica's good part gives records, each still checked to link where it goes.
            for line in Self.lines(of: replicaBytes) where line.offset < scan.goodLength {
                switch line.parsed?.kind {
                case .header?: donorHeader = line
                case .record(let seq, _, _)?: donor[seq] = line
                case .lost?, nil: break
                }
            }
        }
        var report = Report()
        var output: [UInt8] = []
        output.reserveCapacity(original.count)
        // The header.
        var index = 0
        var head: JournalHead
        switch (own.first?.parsed?.kind, donorHeader?.parsed?.kind) {
        case (.header(let id, let createdAt)?, let donorKind):
            if case .header(let donorID, _)? = donorKind, donorID != id { throw Failure.otherJournal(donorID) }
            output += own[0].bytes + [10]
            head = JournalHead(seq: 0, hash: own[0].parsed!.hash, recordedAt: createdAt)
            index = 1
        case (_, .header(_, let createdAt)?):
            output += donorHeader!.bytes + [10]
            head = JournalHead(seq: 0, hash: donorHeader!.parsed!.hash, recordedAt: createdAt)
            report.restored.append(0...0)
            if own.first?.parsed == nil { index = 1 }
        default:
            throw Failure.headerDamaged(own.isEmpty ? "the file is empty" : "its first line is not a valid header")
        }
        var damageSeen = false
        /// Fills seqs from `head.seq + 1` up to `before` (exclusive) from the replica, then, if allowed,
        /// with a lost-records line whose `original` is `link`.
        func fill(before next: Int64?, link: String?, offset: Int64, badLines: Int) throws {
            // Without a record after them, the bad lines say how many records are missing from here.
            let through = next.map { $0 - 1 } ?? (head.seq + Int64(badLines))
            while true {
                let wanted = head.seq + 1
                guard next.map({ wanted < $0 }) ?? true, let line = donor[wanted],
                    case .record(_, let at, let previous)? = line.parsed?.kind, previous == head.hash
                else { break }
                output += line.bytes + [10]
                head = JournalHead(seq: wanted, hash: line.parsed!.hash, recordedAt: at)
                if let last = report.restored.last, last.upperBound == wanted - 1, last.lowerBound > 0 {
                    report.restored[report.restored.count - 1] = last.lowerBound...wanted
                } else {
                    report.restored.append(wanted...wanted)
                }
            }
            guard through > head.seq else {
                if let link, link != head.hash { throw Failure.unlinked(seq: next ?? head.seq + 1, offset: offset) }
                return
            }
            let seqs = (head.seq + 1)...through
            guard salvage else {
                throw Failure.cannotFill(
                    seqs: seqs, offset: offset,
                    why: replica == nil
                        ? "give a replica (--from DIR) to restore them, or --salvage to mark them lost"
                        : "the replica does not have them either; --salvage marks them lost")
            }
            let reason = "damaged at byte \(offset) of the journal as it was; its bytes are in quarantine"
            let (line, hash) = JournalFormat.lostLine(
                seqs, salvagedAt: now, reason: reason, original: link, previousHash: head.hash)
            output += line
            report.lost.append(LostRecords(seqs: seqs, salvagedAt: now, reason: reason))
            head = JournalHead(seq: through, hash: link ?? hash, recordedAt: head.recordedAt)
        }
        var pendingBad: (offset: Int64, count: Int)?
        while index < own.count {
            let line = own[index]
            index += 1
            guard let parsed = line.parsed else {
                // Only an incomplete last line was never written whole; any complete bad line may have held
                // an acknowledged record, so it is marked lost, never dropped silently.
                let unwritten = index == own.count && original.last != 10
                if !unwritten {
                    // How many records the bad bytes held: the record starts still in them (damage may add
                    // or remove newlines), at least one.
                    let starts = Self.occurrences(of: JournalFormat.recordStart, in: line.bytes)
                    pendingBad = (pendingBad?.offset ?? line.offset, (pendingBad?.count ?? 0) + starts)
                }
                damageSeen = true
                continue
            }
            switch parsed.kind {
            case .header: damageSeen = true
            case .record(let seq, let at, let previous):
                if seq <= head.seq { damageSeen = true; continue }
                if let bad = pendingBad ?? (seq > head.seq + 1 || previous != head.hash ? (line.offset, 0) : nil) {
                    damageSeen = true
                    try fill(before: seq, link: previous, offset: bad.offset, badLines: bad.count)
                    pendingBad = nil
                }
                guard previous == head.hash, seq == head.seq + 1, at >= head.recordedAt else {
                    throw Failure.unlinked(seq: seq, offset: line.offset)
                }
                output += line.bytes + [10]
                head = JournalHead(seq: seq, hash: parsed.hash, recordedAt: at)
                if damageSeen { report.keptAfterDamage += 1 }
            case .lost(let seqs, _, _, let link, let previous):
                guard previous == head.hash, seqs.lowerBound == head.seq + 1, pendingBad == nil else {
                    throw Failure.unlinked(seq: seqs.lowerBound, offset: line.offset)
                }
                output += line.bytes + [10]
                head = JournalHead(seq: seqs.upperBound, hash: link ?? parsed.hash, recordedAt: head.recordedAt)
            }
        }
        // Damage at the end, or records the journal lost that the replica still has.
        try fill(
            before: nil, link: nil, offset: pendingBad?.offset ?? Int64(original.count),
            badLines: pendingBad.map { max(1, $0.count) } ?? 0)
        report.head = head
        guard output != original else { return report }
        let check = JournalReader.scan(bytes: output)
        precondition(check.damage == nil && check.head == head, "a repaired journal verifies: \(check)")
        let file = try FileDescriptor.open(folder.journal, O_RDONLY)
        defer { file.close() }
        report.quarantined = try QuarantineRecord.quarantine(
            file, from: 0,
            reason: "the journal before `repair` rebuilt it (restored \(report.restored.count), "
                + "lost \(report.lost.count) ranges)", folder: folder, at: now)
        let evidence = snapshotStates(from: report.lost.first?.seqs.lowerBound)
        try FileSystem.writeDurably(output, to: folder.journal)
        for (seq, state) in evidence {
            let replayed = try LedgerReplay(folder: folder).state(asOf: .seq(seq), useSnapshots: false).state
            report.differences.append(
                "at seq \(seq), replay without the lost records "
                    + (replayed.digest == state.digest
                        ? "still gives the state the snapshot kept (\(state.digest))"
                        : "differs from the snapshot made before the damage: \(Self.differences(replayed, state))"))
        }
        report.snapshotsQuarantined = quarantineStaleSnapshots(now: now)
        VerificationRecord(check, verifiedAt: now).save(in: folder)
        return report
    }

    /// The states kept by readable snapshots at or after `seq` (none when nil): what history said before
    /// records were lost.
    private func snapshotStates(from seq: Int64?) -> [(Int64, LedgerState)] {
        guard let seq else { return [] }
        return SnapshotStore(folder: folder).list().filter { $0.seq >= seq }.compactMap { listing in
            guard let snapshot = try? Snapshot(fileBytes: FileSystem.readFile(listing.path)),
                let state = try? LedgerState(canonicalBytes: snapshot.stateBytes)
            else { return nil }
            return (listing.seq, state)
        }
    }

    /// What differs between two states, for a person: members by contact id, and the other tables' sizes.
    static func differences(_ replayed: LedgerState, _ kept: LedgerState) -> String {
        var byID: [String: Member] = [:]
        for member in kept.sortedMembers { byID[member.contactID] = member }
        var differing: [String] = []
        for member in replayed.sortedMembers where byID[member.contactID] != member {
            differing.append(member.contactID)
        }
        let replayedIDs = Set(replayed.sortedMembers.map(\.contactID))
        differing += kept.sortedMembers.map(\.contactID).filter { !replayedIDs.contains($0) }
        var parts = [
            differing.isEmpty
                ? "no member differs"
                : "\(differing.count) member(s) differ (\(differing.prefix(10).joined(separator: ", "))"
                    + "\(differing.count > 10 ? ", …" : ""))"
        ]
        if replayed.teams.count != kept.teams.count {
            parts.append("teams \(replayed.teams.count) vs \(kept.teams.count)")
        }
        if replayed.subscriptions.count != kept.subscriptions.count {
            parts.append("subscriptions \(replayed.subscriptions.count) vs \(kept.subscriptions.count)")
        }
        if replayed.coupons.count != kept.coupons.count {
            parts.append("coupons \(replayed.coupons.count) vs \(kept.coupons.count)")
        }
        return parts.joined(separator: "; ")
    }

    /// Moves every snapshot the journal no longer backs (beyond its head, or whose record moved) to
    /// quarantine; returns what it moved and why.
    public func quarantineStaleSnapshots(now: Timestamp) -> [String] {
        let store = SnapshotStore(folder: folder)
        return staleSnapshots().compactMap { listing, problem in
            (try? store.quarantine(listing.path, reason: "repair: \(problem)", at: now)).map {
                "snapshot at seq \(listing.seq) \(problem): moved to \($0)"
            }
        }
    }

    /// Each snapshot the journal does not back, said for a person (what the scrub reports).
    public func snapshotProblems() -> [String] {
        staleSnapshots().map { "snapshot at seq \($0.0.seq) \($0.1)" }
    }

    private func staleSnapshots() -> [(SnapshotStore.Listing, String)] {
        SnapshotStore(folder: folder).list().compactMap { listing in
            let problem: String?
            do {
                let snapshot = try Snapshot(fileBytes: FileSystem.readFile(listing.path))
                problem = try Self.bindingProblem(snapshot, folder: folder)
            } catch {
                problem = "is unreadable: \(error)"
            }
            return problem.map { (listing, $0) }
        }
    }

    /// Why the journal does not back `snapshot` (nil when it does: its record, hash and offset are there).
    static func bindingProblem(_ snapshot: Snapshot, folder: DataFolder) throws -> String? {
        let file = try FileDescriptor.open(folder.journal, O_RDONLY)
        defer { file.close() }
        var record: JournalLine?
        try LineReader(file: file).forEachLine(from: snapshot.recordOffset) { line, _, complete in
            record = complete ? try? JournalLine(line, verify: true) : nil
            return false
        }
        guard let record, case .record(let seq, _, _) = record.kind, seq == snapshot.record.seq,
            record.hash == snapshot.record.hash
        else {
            return "is not backed by the journal (no record \(snapshot.record.seq) with its hash at byte "
                + "\(snapshot.recordOffset))"
        }
        return nil
    }

    /// How many times `pattern` occurs in `bytes`.
    private static func occurrences(of pattern: [UInt8], in bytes: ArraySlice<UInt8>) -> Int {
        guard bytes.count >= pattern.count else { return 0 }
        var count = 0
        var index = bytes.startIndex
        while index <= bytes.endIndex - pattern.count {
            if bytes[index] == pattern[0] && bytes[index...].starts(with: pattern) { count += 1 }
            index += 1
        }
        return count
    }

    /// The journal's lines, each checked as the scanner checks it (without the chain). A bad line that
    /// ends in a valid record (damage destroyed the newline before it, joining two lines) is split there,
    /// and a valid line followed by one stray byte (its newline damaged) is that line, so no intact record
    /// is lost to a damaged line end.
    private static func lines(of bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            let complete = end < bytes.count
            lines += checked(bytes[start..<end], at: Int64(start), complete: complete)
            start = end + 1
        }
        return lines
    }

    private static func checked(_ slice: ArraySlice<UInt8>, at offset: Int64, complete: Bool) -> [Line] {
        let parsed = complete ? slice.withUnsafeBytes { try? JournalLine($0, verify: true) } : nil
        // An incomplete last line is torn unless it is a whole record and one byte (a damaged newline).
        guard parsed == nil, complete || slice.count > 1 else {
            return [Line(offset: offset, bytes: slice, parsed: parsed)]
        }
        // A valid line and one byte: the newline after it was damaged into something else.
        if slice.count > 1, let whole = slice.dropLast().withUnsafeBytes({ try? JournalLine($0, verify: true) }) {
            return [Line(offset: offset, bytes: slice.dropLast(), parsed: whole)]
        }
        guard complete else { return [Line(offset: offset, bytes: slice, parsed: nil)] }
        for marker in [JournalFormat.recordStart, JournalFormat.lostStart] {
            var index = slice.index(before: slice.endIndex)
            while index > slice.startIndex {
                if slice[index] == marker[0], slice[index...].starts(with: marker),
                    let tail = slice[index...].withUnsafeBytes({ try? JournalLine($0, verify: true) })
                {
                    return checked(slice[..<index], at: offset, complete: true)
                        + [Line(offset: offset + Int64(index - slice.startIndex), bytes: slice[index...], parsed: tail)]
                }
                index = slice.index(before: index)
            }
        }
        return [Line(offset: offset, bytes: slice, parsed: nil)]
    }
}
