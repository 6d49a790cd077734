import MemberLedgerCore

/// Rebuilds the state at any point of a journal: from the newest usable snapshot at or before the target,
/// then the records after it, streaming (memory grows with the state, not the journal).
public struct LedgerReplay: Sendable {
    /// Which point in history.
    public enum Target: Sendable, Equatable {
        /// After the last good record.
        case end
        /// After the record with this seq.
        case seq(Int64)
        /// As of an instant: every record up to it, then time advanced to it.
        case time(Timestamp)
    }

    /// What a replay produced.
    public struct Result: Sendable {
        /// The state at the target.
        public var state: LedgerState
        /// The last record applied (the header when none), and where the next record starts.
        public var position: JournalReader.Position
        /// Where the last applied record's line starts (what a snapshot of `state` records).
        public var recordOffset: Int64
        /// The snapshot replay started from, if any.
        public var snapshotSeq: Int64?
        /// Snapshots skipped, and why.
        public var warnings: [String]
        /// Damage where reading stopped, if the journal has any.
        public var damage: JournalDamage?
        /// For an `as of` instant: what time did between the last record and that instant.
        public var transitions: [TimedEffect] = []
    }

    /// The data folder.
    public let folder: DataFolder
    /// Where decoded snapshots are kept between replays, if anywhere.
    public let cache: SnapshotCache?

    /// Replays a folder's journal; with `cache`, snapshots once decoded are reused.
    public init(folder: DataFolder, cache: SnapshotCache? = nil) {
        self.folder = folder
        self.cache = cache
    }

    /// What `observe` sees for each event applied, in order.
    public struct Step {
        /// The event.
        public var event: Event
        /// What it did.
        public var outcome: Outcome
        /// Where its line starts in the journal.
        public var recordOffset: Int64
        /// The position after it (its `offset` is the bytes read so far).
        public var position: JournalReader.Position
        /// The state right after it.
        public var state: LedgerState
    }

    /// The state at `target`. `verify` checks every record's hash as it is read; `useSnapshots: false`
    /// starts from seq 1, `snapshotAtOrBefore` from a snapshot no later than that seq (so that `observe`
    /// sees every event after it); `through` stops after that seq whatever the target (a running server's
    /// readers pass its durable head, so that no record still being written is shown). `observe` sees each
    /// event applied, in order; `lost`, records salvaged away (`repair --salvage`), where they fall.
    public func state(
        asOf target: Target = .end, verify: Bool = true, useSnapshots: Bool = true, snapshotAtOrBefore: Int64? = nil,
        through: Int64? = nil, observe: ((Step) -> Void)? = nil,
        lost: ((_ seqs: ClosedRange<Int64>, _ lineOffset: Int64) -> Void)? = nil
    ) throws -> Result {
        var warnings: [String] = []
        let reader = JournalReader(folder: folder)
        var start: (snapshot: Snapshot, state: LedgerState, position: JournalReader.Position)?
        if useSnapshots {
            let limit = [through, snapshotAtOrBefore].compactMap { $0 }.min()
            start = try newestUsableSnapshot(for: target, through: limit, reader: reader, warnings: &warnings)
        }
        var state = start?.state ?? LedgerState()
        var recordOffset = start?.snapshot.recordOffset ?? 0
        var position = start?.position
        let scan = try reader.forEachEvent(
            verify: verify, after: start?.position,
            lost: { seqs, offset in
                state.skipLost(seqs)
                lost?(seqs, offset)
            }
        ) {
            event, lineOffset, after in
            if let through, event.seq > through { return false }
            switch target {
            case .end: break
            case .seq(let seq): if event.seq > seq { return false }
            case .time(let instant): if event.recordedAt > instant { return false }
            }
            let outcome = state.apply(event)
            recordOffset = lineOffset
            position = after
            observe?(Step(event: event, outcome: outcome, recordOffset: lineOffset, position: after, state: state))
            return true
        }
        var transitions: [TimedEffect] = []
        if case .time(let instant) = target {
            transitions = state.advance(to: instant)
        }
        let finalPosition =
            position
            ?? JournalReader.Position(journalID: scan.journalID ?? "", head: scan.head, offset: scan.goodLength)
        return Result(
            state: state, position: finalPosition, recordOffset: recordOffset, snapshotSeq: start?.snapshot.record.seq,
            warnings: warnings, damage: scan.damage, transitions: transitions)
    }

    /// The state of a folder restored from a snapshot alone (`SnapshotRestore`), as a replay's result at
    /// the snapshot's record; nil when the folder was not restored so.
    public func restoredState() throws -> (Result, SnapshotRestore.Marker)? {
        guard SnapshotRestore(folder: folder).marker != nil else { return nil }
        let (state, marker) = try SnapshotRestore(folder: folder).state()
        let position = JournalReader.Position(journalID: marker.journalID, head: marker.record, offset: 0)
        return (
            Result(
                state: state, position: position, recordOffset: 0, snapshotSeq: marker.record.seq, warnings: [],
                damage: nil),
            marker
        )
    }

    /// The newest snapshot at or before the target that belongs to this journal and this reducer version,
    /// decoded; others are skipped with a warning.
    private func newestUsableSnapshot(
        for target: Target, through: Int64?, reader: JournalReader, warnings: inout [String]
    ) throws -> (Snapshot, LedgerState, JournalReader.Position)? {
        let store = SnapshotStore(folder: folder)
        for candidate in store.candidates() {
            if case .seq(let seq) = target, candidate.seq > seq { continue }
            if let through, candidate.seq > through { continue }
            let key = "\(candidate.path)#\(candidate.seq)"
            if let cached = cache?.entry(key) {
                if case .time(let instant) = target, cached.snapshot.record.recordedAt > instant { continue }
                return (cached.snapshot, cached.state, cached.position)
            }
            do {
                let snapshot = try Snapshot(fileBytes: FileSystem.readFile(candidate.path))
                if case .time(let instant) = target, snapshot.record.recordedAt > instant { continue }
                guard snapshot.record.seq == candidate.seq else {
                    throw SnapshotProblem.mismatch(
                        "its header says seq \(snapshot.record.seq), its name \(candidate.seq)")
                }
                let position = try check(snapshot, against: reader)
                let state = try LedgerState(canonicalBytes: snapshot.stateBytes)
                guard state.lastSeq == snapshot.record.seq, state.lastRecordedAt == snapshot.record.recordedAt,
                    state.clock == state.lastRecordedAt
                else {
                    throw SnapshotProblem.mismatch(
                        "its state is not the state right after record \(snapshot.record.seq)")
                }
                cache?.keep(SnapshotCache.Entry(snapshot: snapshot, state: state, position: position), as: key)
                return (snapshot, state, position)
            } catch {
                warnings.append("skipped snapshot \(candidate.path): \(error)")
            }
        }
        return nil
    }

    /// Checks that the journal has the snapshot's record, with the same hash, at the same offset.
    private func check(_ snapshot: Snapshot, against reader: JournalReader) throws -> JournalReader.Position {
        guard snapshot.reducerVersion == MemberLedgerCore.reducerVersion else {
            throw SnapshotProblem.mismatch(
                "made by reducer version \(snapshot.reducerVersion), this is \(MemberLedgerCore.reducerVersion)")
        }
        let file = try reader.open()
        defer { file.close() }
        var header: JournalLine?
        var record: JournalLine?
        var lineLength = 0
        try LineReader(file: file).forEachLine { line, _, complete in
            header = complete ? try? JournalLine(line, verify: true) : nil
            return false
        }
        try LineReader(file: file).forEachLine(from: snapshot.recordOffset) { line, _, complete in
            record = complete ? try? JournalLine(line, verify: true) : nil
            lineLength = line.count
            return false
        }
        guard case .header(let journalID, _)? = header?.kind, journalID == snapshot.journalID else {
            throw SnapshotProblem.mismatch("belongs to journal \(snapshot.journalID)")
        }
        guard let record, case .record(let seq, _, _) = record.kind, seq == snapshot.record.seq,
            record.hash == snapshot.record.hash
        else {
            throw SnapshotProblem.mismatch(
                "the journal has no record \(snapshot.record.seq) with hash \(snapshot.record.hash) at byte \(snapshot.recordOffset)"
            )
        }
        return JournalReader.Position(
            journalID: journalID, head: snapshot.record, offset: snapshot.recordOffset + Int64(lineLength) + 1)
    }
}
