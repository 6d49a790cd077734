import MemberLedgerCore

/// The last whole-journal verification of a data folder, kept in `DIR/verified.json`: when it ran, how
/// far the journal was intact, and the damage it found, if any. `verify`, `digest`, `repair` and the
/// server's scrub write it; every read verb reads it, to say how fresh the guarantee behind a snapshot is
/// and to refuse to answer while damage found by a scrub stands (it stands until a verification finds the
/// journal intact again).
public struct VerificationRecord: Sendable, Equatable {
    /// When the verification finished.
    public var verifiedAt: Timestamp
    /// The last good record it found.
    public var head: JournalHead
    /// Corruption it found after `head` (a torn tail is not kept: no acknowledged record is in it).
    public var damage: JournalDamage?
    /// Records salvaged away, as the journal states them.
    public var lost: [LostRecords]

    /// The record of `scan`, made at `verifiedAt`.
    public init(_ scan: JournalScan, verifiedAt: Timestamp) {
        let damage: JournalDamage?
        if case .corrupt? = scan.damage { damage = scan.damage } else { damage = nil }
        self.init(verifiedAt: verifiedAt, head: scan.head, damage: damage, lost: scan.lost)
    }

    private init(verifiedAt: Timestamp, head: JournalHead, damage: JournalDamage?, lost: [LostRecords]) {
        self.verifiedAt = verifiedAt
        self.head = head
        self.damage = damage
        self.lost = lost
    }

    /// The folder's record, or nil when none was kept or it cannot be read.
    public static func load(_ folder: DataFolder) -> VerificationRecord? {
        guard let bytes = try? FileSystem.readFile(folder.verification), let json = try? JSONParser.parse(bytes),
            let at = json["verifiedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let seq = json["seq"]?.intValue, let hash = json["hash"]?.stringValue
        else { return nil }
        var damage: JournalDamage?
        if let found = json["damage"], let damageSeq = found["seq"]?.intValue,
            let offset = found["offset"]?.intValue, let reason = found["reason"]?.stringValue
        {
            damage = .corrupt(seq: Int64(damageSeq), offset: Int64(offset), reason: reason)
        }
        // The lost seqs are the journal's to say; a record read back only tells how far it was verified.
        return VerificationRecord(
            verifiedAt: at, head: JournalHead(seq: Int64(seq), hash: hash, recordedAt: at), damage: damage, lost: [])
    }

    /// Keeps the record in the folder (atomically); a folder that cannot be written keeps none.
    public func save(in folder: DataFolder) {
        var fields: [(key: String, value: JSONValue)] = [
            ("verifiedAt", .string(verifiedAt.rfc3339)), ("intact", .bool(damage == nil)), ("seq", .int(head.seq)),
            ("hash", .string(head.hash)),
        ]
        if case .corrupt(let seq, let offset, let reason)? = damage {
            fields.append(
                ("damage", .object([("seq", .int(seq)), ("offset", .int(offset)), ("reason", .string(reason))])))
        }
        if !lost.isEmpty { fields.append(("lost", .array(lost.map { .string($0.description) }))) }
        try? FileSystem.writeDurably(JSONWriter.bytes(.object(fields)) + [UInt8(ascii: "\n")], to: folder.verification)
    }

    /// One line for a person: "verified whole at T through seq N" or the damage found.
    public var summary: String {
        if let damage { return "the verification of \(verifiedAt.rfc3339) found the journal damaged: \(damage)" }
        return "the journal was last verified whole at \(verifiedAt.rfc3339), through seq \(head.seq)"
    }
}
