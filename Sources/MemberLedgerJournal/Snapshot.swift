import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A saved state at one record of one journal, so replay need not start from seq 1.
///
/// File: `snapshots/snapshot-SEQ.mls` (SEQ zero-padded to 12 digits): one JSON header line, then the
/// state's canonical bytes. The header binds the state to its journal (id, seq, the record's hash and
/// byte offset), to the reducer version that made it, and to its own digest; a snapshot that fails any
/// check is skipped with a warning, never trusted.
public struct Snapshot: Sendable {
    /// The journal it belongs to.
    public var journalID: String
    /// The record it was taken after, and where that record starts in the file.
    public var record: JournalHead
    /// The byte offset where that record's line starts.
    public var recordOffset: Int64
    /// The reducer version that produced the state.
    public var reducerVersion: Int
    /// The state's digest.
    public var stateDigest: String
    /// The state's canonical bytes.
    public var stateBytes: [UInt8]

    static let formatName = "memberledger-snapshot"

    /// The file name of the snapshot after record `seq`.
    static func fileName(seq: Int64) -> String {
        let digits = String(seq)
        return "snapshot-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".mls"
    }

    /// The header line and state bytes, as stored.
    var fileBytes: [UInt8] {
        let header: JSONValue = .object([
            ("format", .string(Self.formatName)), ("version", .int(1)), ("journalId", .string(journalID)),
            ("seq", .int(record.seq)), ("chainHash", .string(record.hash)), ("recordOffset", .int(recordOffset)),
            ("recordedAt", .string(record.recordedAt.rfc3339)), ("reducerVersion", .int(reducerVersion)),
            ("stateDigest", .string(stateDigest)), ("stateLength", .int(stateBytes.count)),
        ])
        return JSONWriter.bytes(header) + [UInt8(ascii: "\n")] + stateBytes
    }

    /// Reads a snapshot file's bytes, checking the header's shape and the state's digest.
    init(fileBytes bytes: [UInt8]) throws(SnapshotProblem) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw .unreadable("no header line") }
        let header: JSONValue
        do {
            header = try JSONParser.parse(bytes[..<newline])
        } catch {
            throw .unreadable("header is not JSON: \(error)")
        }
        guard header["format"]?.stringValue == Self.formatName, header["version"]?.intValue == 1,
            let journalID = header["journalId"]?.stringValue, let seq = header["seq"]?.int64Value,
            let chainHash = header["chainHash"]?.stringValue, let offset = header["recordOffset"]?.int64Value,
            let at = header["recordedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let reducerVersion = header["reducerVersion"]?.intValue, let digest = header["stateDigest"]?.stringValue,
            let length = header["stateLength"]?.intValue
        else { throw .unreadable("header lacks a field or has a wrong type") }
        let state = Array(bytes[(newline + 1)...])
        guard state.count == length else { throw .unreadable("state is \(state.count) bytes, header says \(length)") }
        guard Hex.encode(SHA256.hash(state)) == digest else {
            throw .unreadable("state bytes do not match their digest")
        }
        self.init(
            journalID: journalID, record: JournalHead(seq: seq, hash: chainHash, recordedAt: at), recordOffset: offset,
            reducerVersion: reducerVersion, stateDigest: digest, stateBytes: state)
    }

    init(
        journalID: String, record: JournalHead, recordOffset: Int64, reducerVersion: Int, stateDigest: String,
        stateBytes: [UInt8]
    ) {
        self.journalID = journalID
        self.record = record
        self.recordOffset = recordOffset
        self.reducerVersion = reducerVersion
        self.stateDigest = stateDigest
        self.stateBytes = stateBytes
    }
}

/// Why a snapshot was not used.
public enum SnapshotProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a well-formed snapshot, or its state does not match its digest.
    case unreadable(String)
    /// It belongs to another journal, another record, or another reducer version.
    case mismatch(String)

    public var description: String {
        switch self {
        case .unreadable(let why): "unreadable: \(why)"
        case .mismatch(let why): "does not match: \(why)"
        }
    }
}

/// The snapshots of a data folder.
public struct SnapshotStore: Sendable {
    /// The data folder.
    public let folder: DataFolder

    /// The snapshots of a folder.
    public init(folder: DataFolder) {
        self.folder = folder
    }

    /// Writes a snapshot of `state`, taken right after the record at `position`, atomically: a temp file,
    /// fsync, rename, fsync of the folder. Returns its path.
    @discardableResult
    public func write(_ state: LedgerState, at position: JournalReader.Position, recordOffset: Int64)
        throws(SystemError)
        -> String
    {
        precondition(
            state.lastSeq == position.head.seq && state.clock == state.lastRecordedAt,
            "a snapshot is taken right after a record, never of a state advanced past it")
        let bytes = state.canonicalBytes
        let snapshot = Snapshot(
            journalID: position.journalID, record: position.head, recordOffset: recordOffset,
            reducerVersion: MemberLedgerCore.reducerVersion, stateDigest: Hex.encode(SHA256.hash(bytes)),
            stateBytes: bytes)
        try FileSystem.makeDirectory(folder.snapshots)
        let path = "\(folder.snapshots)/\(Snapshot.fileName(seq: position.head.seq))"
        try FileSystem.writeDurably(snapshot.fileBytes, to: path)
        return path
    }

    /// What a snapshot file holds, as far as it can be read: for `rebuild` and reports.
    public struct Listing: Sendable {
        /// The seq in its name.
        public var seq: Int64
        /// Its path.
        public var path: String
        /// The state digest it records (empty when unreadable).
        public var digest: String
        /// The journal, record hash and offset it claims to follow (empty when unreadable).
        public var journalID = ""
        public var chainHash = ""
        public var recordOffset: Int64 = -1
        /// Why it cannot be used, when it cannot.
        public var problem: String?
    }

    /// Every snapshot file, oldest first, checked as far as it can be on its own.
    public func list() -> [Listing] {
        candidates().reversed().map { candidate in
            do {
                let bytes = try FileSystem.readFile(candidate.path)
                let snapshot = try Snapshot(fileBytes: bytes)
                var problem: String?
                if snapshot.reducerVersion != MemberLedgerCore.reducerVersion {
                    problem = "made by reducer version \(snapshot.reducerVersion)"
                } else if snapshot.record.seq != candidate.seq {
                    problem = "its header says seq \(snapshot.record.seq)"
                }
                return Listing(
                    seq: candidate.seq, path: candidate.path, digest: snapshot.stateDigest,
                    journalID: snapshot.journalID,
                    chainHash: snapshot.record.hash, recordOffset: snapshot.recordOffset, problem: problem)
            } catch {
                return Listing(seq: candidate.seq, path: candidate.path, digest: "", problem: "\(error)")
            }
        }
    }

    /// Snapshot files, newest (highest seq) first, with the seq from their names.
    /// Moves a snapshot into quarantine (never deleting it: a disagreeing snapshot is evidence of the
    /// history it was made from), with a manifest saying why; returns where it went.
    public func quarantine(_ path: String, reason: String, at now: Timestamp) throws(SystemError) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? "snapshot"
        let target = "\(folder.quarantine)/\(name)-\(now.microseconds)"
        try FileSystem.makeDirectory(folder.quarantine)
        try FileSystem.rename(path, to: target)
        let manifest: JSONValue = .object([
            ("snapshot", .string(name)), ("reason", .string(reason)), ("quarantinedAt", .string(now.rfc3339)),
        ])
        try FileSystem.writeDurably(JSONWriter.bytes(manifest) + [UInt8(ascii: "\n")], to: "\(target).json")
        try FileSystem.syncFolder(of: path)
        return target
    }

    func candidates() -> [(seq: Int64, path: String)] {
        let names = (try? FileSystem.contents(of: folder.snapshots)) ?? []
        return names.compactMap { name -> (Int64, String)? in
            guard name.hasPrefix("snapshot-"), name.hasSuffix(".mls"),
                let seq = Int64(name.dropFirst(9).dropLast(4))
            else { return nil }
            return (seq, "\(folder.snapshots)/\(name)")
        }.sorted { $0.0 > $1.0 }
    }
}
