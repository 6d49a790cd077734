import MemberLedgerCore

/// A data folder brought back from a snapshot alone, its journal lost (`memberledger restore --snapshot`).
///
/// Rules: the snapshot must check out on its own (its hash, its state's digest, this reducer version);
/// it is copied into `snapshots/` and `restored.json` says so. The read verbs then answer from it, as of
/// its seq only, each answer marked as restored; nothing may be written (a writer refuses to open), because
/// the records before the snapshot are gone: `repair --from REPLICA` brings the journal back, which must
/// contain the snapshot's record with its hash, and ends the restored state.
public struct SnapshotRestore: Sendable {
    /// What `restored.json` says.
    public struct Marker: Sendable, Equatable {
        /// When the folder was restored.
        public var restoredAt: Timestamp
        /// The snapshot's record: the only point of history the folder knows.
        public var record: JournalHead
        /// The journal the snapshot belongs to.
        public var journalID: String
        /// The snapshot's file in the folder.
        public var path: String
    }

    /// The folder.
    public let folder: DataFolder

    /// Restores, or reads the restored state of, `folder`.
    public init(folder: DataFolder) {
        self.folder = folder
    }

    /// Copies the snapshot at `path` into the folder (which must have no journal) and marks it restored.
    public func restore(snapshot path: String, now: Timestamp) throws -> Marker {
        let bytes = try FileSystem.readFile(path)
        let snapshot = try Snapshot(fileBytes: bytes)
        try Self.check(snapshot)
        try folder.create()
        let kept = "\(folder.snapshots)/\(Snapshot.fileName(seq: snapshot.record.seq))"
        try FileSystem.writeDurably(bytes, to: kept)
        let marker = Marker(restoredAt: now, record: snapshot.record, journalID: snapshot.journalID, path: kept)
        let json: JSONValue = .object([
            ("restoredAt", .string(now.rfc3339)), ("journalId", .string(snapshot.journalID)),
            ("seq", .int(snapshot.record.seq)), ("hash", .string(snapshot.record.hash)),
            ("recordedAt", .string(snapshot.record.recordedAt.rfc3339)), ("snapshot", .string(kept)),
            ("stateDigest", .string(snapshot.stateDigest)),
        ])
        try FileSystem.writeDurably(JSONWriter.bytes(json) + [10], to: folder.restoredMarker)
        return marker
    }

    /// The marker, when the folder was restored from a snapshot and has no journal yet.
    public var marker: Marker? {
        guard !FileSystem.exists(folder.journal), let bytes = try? FileSystem.readFile(folder.restoredMarker),
            let json = try? JSONParser.parse(bytes), let at = json["restoredAt"]?.stringValue,
            let restoredAt = Timestamp(rfc3339: at), let seq = json["seq"]?.intValue,
            let hash = json["hash"]?.stringValue, let recorded = json["recordedAt"]?.stringValue,
            let recordedAt = Timestamp(rfc3339: recorded), let journalID = json["journalId"]?.stringValue,
            let path = json["snapshot"]?.stringValue
        else { return nil }
        return Marker(
            restoredAt: restoredAt, record: JournalHead(seq: Int64(seq), hash: hash, recordedAt: recordedAt),
            journalID: journalID, path: path)
    }

    /// The state the restored snapshot holds, checked again.
    public func state() throws -> (LedgerState, Marker) {
        guard let marker else { throw JournalError.noJournal(path: folder.journal) }
        let snapshot = try Snapshot(fileBytes: FileSystem.readFile(marker.path))
        try Self.check(snapshot)
        return (try LedgerState(canonicalBytes: snapshot.stateBytes), marker)
    }

    /// Ends the restored state once the journal is back (`repair --from`).
    public func finish() throws {
        try FileSystem.removeDurably(folder.restoredMarker)
    }

    private static func check(_ snapshot: Snapshot) throws {
        guard snapshot.reducerVersion == MemberLedgerCore.reducerVersion else {
            throw SnapshotProblem.mismatch(
                "made by reducer version \(snapshot.reducerVersion), this is \(MemberLedgerCore.reducerVersion)")
        }
        let state = try LedgerState(canonicalBytes: snapshot.stateBytes)
        guard state.lastSeq == snapshot.record.seq, Hex.encode(SHA256.hash(snapshot.stateBytes)) == snapshot.stateDigest
        else {
            throw SnapshotProblem.mismatch("its state is not the state it names")
        }
    }
}
