import MemberLedgerCore

/// Version 1 of the journal's line format, specified byte by byte in `Docs/journal-format.md`.
///
/// The first line is the header, every other line one record:
///
///     {"format":"memberledger-journal","version":1,"journalId":"…","createdAt":"…","hash":"H"}
///     {"v":1,"seq":1,"at":"…","type":"…",…,"data":{…},"prev":"P","hash":"H"}
///
/// A record is the event's own JSON (see `Docs/events.md`) with `prev` and `hash` added as its last two
/// keys. `hash` is the lowercase hex SHA-256 of the exact stored bytes of the line before `"hash":"`,
/// which include `prev`, the previous record's hash (the header's for seq 1): the hash covers what is
/// stored, never a re-encoding, and each record seals the whole history before it.
public enum JournalFormat {
    /// The header's format name.
    public static let formatName = "memberledger-journal"
    /// The format version this code writes and reads.
    public static let version = 1
    /// The longest event tail the writer accepts: half the longest line a reader reads, so every record
    /// written can be read back.
    public static let maximumTailBytes = LineReader.maxLineLength / 2

    static let headerStart = Array(#"{"format":"memberledger-journal","#.utf8)
    static let recordStart = Array(#"{"v":1,"seq":"#.utf8)
    static let prevKey = Array(#""prev":""#.utf8)
    static let hashKey = Array(#""hash":""#.utf8)
    /// `"hash":"` + 64 hex digits + `"}`.
    static let hashPartLength = 8 + 64 + 2
    /// `"prev":"` + 64 hex digits + `",`.
    static let prevPartLength = 8 + 64 + 2

    /// The header line (with its newline) of a new journal.
    public static func headerLine(journalID: String, createdAt: Timestamp) -> [UInt8] {
        var body = Array(#"{"format":"memberledger-journal","version":1,"journalId":"#.utf8)
        JSONWriter.appendString(journalID, into: &body)
        body += Array(#","createdAt":"#.utf8)
        JSONWriter.appendString(createdAt.rfc3339, into: &body)
        body.append(UInt8(ascii: ","))
        _ = seal(&body)
        return body
    }

    /// The record line (with its newline) of an event following the record whose hash is `previousHash`.
    public static func recordLine(_ event: Event, previousHash: String) -> (line: [UInt8], hash: String) {
        recordLine(seq: event.seq, recordedAt: event.recordedAt, tail: tail(of: event), previousHash: previousHash)
    }

    /// The part of an event's line after its recorded time: `"type":…,"data":{…}` (with `occurredAt` and
    /// `fingerprint` between when present). It does not depend on seq or time, so appenders encode it in
    /// parallel before taking the writer's lock, where only the seq, time and hash remain to be written.
    public static func tail(of event: Event) -> [UInt8] {
        guard case .object(let fields) = event.json, fields.count > 3 else {
            preconditionFailure("an event encodes as an object starting with v, seq and at")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1000)
        for (index, field) in fields.dropFirst(3).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(field.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            JSONWriter.write(field.value, into: &bytes)
        }
        return bytes
    }

    /// The record line for an event whose tail was encoded already.
    static func recordLine(
        seq: Int64, recordedAt: Timestamp, tail: [UInt8], previousHash: String
    ) -> (line: [UInt8], hash: String) {
        var line = recordBody(seq: seq, recordedAt: recordedAt, tail: tail, previousHash: previousHash)
        let hash = seal(&line)
        return (line, hash)
    }

    /// A record's bytes before `"hash":"`: what its hash covers, and what a reader compares a stored line
    /// with to prove it is in the one canonical form (key order, no spaces, the escape set).
    static func recordBody(seq: Int64, recordedAt: Timestamp, tail: [UInt8], previousHash: String) -> [UInt8] {
        var line: [UInt8] = []
        // Room for the seal too: the line is built once, in place.
        line.reserveCapacity(recordStart.count + 20 + 40 + tail.count + prevPartLength + hashPartLength + 2)
        line += recordStart
        line += String(seq).utf8
        line += #","at":"#.utf8
        JSONWriter.appendString(recordedAt.rfc3339, into: &line)
        line.append(UInt8(ascii: ","))
        line += tail
        line.append(UInt8(ascii: ","))
        line += prevKey
        line += previousHash.utf8
        line += #"","#.utf8
        return line
    }

    /// The line (with its newline) that `repair --salvage` puts where records `lost` were: it says which
    /// seqs are gone, when and why, and keeps the chain. `original` is the lost last record's hash as the
    /// record after the gap names it in its `prev` (nil when no record follows); the next record links to
    /// it, or to this line's own hash when there is none.
    public static func lostLine(
        _ lost: ClosedRange<Int64>, salvagedAt: Timestamp, reason: String, original: String?, previousHash: String
    ) -> (line: [UInt8], hash: String) {
        var line = lostBody(
            lost, salvagedAt: salvagedAt, reason: reason, original: original, previousHash: previousHash)
        let hash = seal(&line)
        return (line, hash)
    }

    static let lostStart = Array(#"{"lostFrom":"#.utf8)

    /// A lost-records line's bytes before `"hash":"`.
    private static func lostBody(
        _ lost: ClosedRange<Int64>, salvagedAt: Timestamp, reason: String, original: String?, previousHash: String
    ) -> [UInt8] {
        var line = lostStart
        line += "\(lost.lowerBound),\"lostThrough\":\(lost.upperBound),\"salvagedAt\":".utf8
        JSONWriter.appendString(salvagedAt.rfc3339, into: &line)
        line += #","reason":"#.utf8
        JSONWriter.appendString(reason, into: &line)
        line += #","original":"#.utf8
        if let original { JSONWriter.appendString(original, into: &line) } else { line += "null".utf8 }
        line.append(UInt8(ascii: ","))
        line += prevKey
        line += previousHash.utf8
        line += #"","#.utf8
        return line
    }

    /// Whether `body` (a line's bytes before `"hash":"`) is exactly how this format writes a lost line.
    static func isCanonicalLost(
        _ body: UnsafeRawBufferPointer, lost: ClosedRange<Int64>, salvagedAt: Timestamp, reason: String,
        original: String?, previousHash: String
    ) -> Bool {
        body.elementsEqual(
            lostBody(lost, salvagedAt: salvagedAt, reason: reason, original: original, previousHash: previousHash))
    }

    /// Appends `"hash":"SHA-256(body)"}` and a newline to a body that ends with a comma; returns the hash.
    private static func seal(_ body: inout [UInt8]) -> String {
        let hash = Hex.encode(SHA256.hash(body))
        body += hashKey
        body += hash.utf8
        body += "\"}\n".utf8
        return hash
    }
}

/// One line of the journal read back and checked: the header, a record, or a lost-records line.
///
/// Checked means, when `verify` is set: the hash matches the line's bytes, the line decodes with the same
/// strict reader replay uses (a record into its `Event`), and re-encoding what was decoded gives back the
/// very same bytes, so key order, spacing and escapes are checked, not only written. A line that passes
/// is a *valid line* (`Docs/journal-format.md`); replay can apply every valid record.
struct JournalLine {
    enum Kind {
        case header(journalID: String, createdAt: Timestamp)
        case record(seq: Int64, recordedAt: Timestamp, previousHash: String)
        /// Records `lost` were damaged beyond repair and salvaged away (`repair --salvage`).
        case lost(ClosedRange<Int64>, salvagedAt: Timestamp, reason: String, original: String?, previousHash: String)
    }

    var kind: Kind
    /// The line's own hash, as stored (and verified, unless reading skipped verification).
    var hash: String
    /// A record's event, decoded when the line was verified.
    var event: Event?

    /// Why a line is not a valid line of the format.
    enum Defect: Error, Equatable, CustomStringConvertible {
        case incomplete
        case malformed(String)
        case hashMismatch
        /// The hash matches, but the event cannot be read: written by a broken program, never by a crash.
        case undecodable(String)
        /// The hash matches and the event reads, but the bytes are not the format's one encoding of it.
        case notCanonical

        var description: String {
            switch self {
            case .incomplete: "incomplete line (no newline)"
            case .malformed(let why): "malformed line: \(why)"
            case .hashMismatch: "hash does not match the line's bytes"
            case .undecodable(let why): "the hash matches but the event cannot be read: \(why)"
            case .notCanonical:
                "the hash matches but the bytes are not the format's canonical encoding (key order, spaces or escapes)"
            }
        }
    }

    /// Reads one line (without its newline); with `verify`, checks it whole (see the type's comment), but
    /// for the canonical bytes when `canonical` is false (replay, which needs the event, not the proof that
    /// it was written in the one encoding: `verify`, the scrub and opening for writing check that).
    init(_ line: UnsafeRawBufferPointer, verify: Bool, canonical: Bool = true) throws(Defect) {
        let count = line.count
        guard count > JournalFormat.hashPartLength + 2,
            line[count - 2] == UInt8(ascii: "\""), line[count - 1] == UInt8(ascii: "}"),
            line[count - JournalFormat.hashPartLength - 1] == UInt8(ascii: ",")
        else { throw .malformed("does not end with \"hash\":\"…\"}") }
        let hashKeyStart = count - JournalFormat.hashPartLength
        guard Self.matches(line, at: hashKeyStart, JournalFormat.hashKey) else {
            throw .malformed("does not end with \"hash\":\"…\"}")
        }
        let hashBytes = UnsafeRawBufferPointer(rebasing: line[(hashKeyStart + 8)..<(hashKeyStart + 72)])
        guard let hash = Self.hex(hashBytes) else { throw .malformed("hash is not 64 lowercase hex digits") }
        let body = UnsafeRawBufferPointer(rebasing: line[0..<hashKeyStart])
        if verify {
            let digest = SHA256.hash(body)
            guard Hex.encode(digest) == hash else { throw .hashMismatch }
        }
        self.hash = hash
        if Self.matches(line, at: 0, JournalFormat.recordStart) {
            kind = try Self.record(line, hashKeyStart: hashKeyStart)
            if verify, case .record(let seq, let recordedAt, let previous) = kind {
                let event: Event
                do {
                    event = try Self.event(of: line)
                } catch {
                    throw .undecodable("\(error)")
                }
                guard event.seq == seq else { throw .notCanonical }
                if canonical {
                    let expected = JournalFormat.recordBody(
                        seq: seq, recordedAt: recordedAt, tail: JournalFormat.tail(of: event), previousHash: previous)
                    guard body.elementsEqual(expected) else { throw .notCanonical }
                }
                self.event = event
            }
        } else if Self.matches(line, at: 0, JournalFormat.headerStart) {
            kind = try Self.header(line)
            if verify, case .header(let id, let createdAt) = kind,
                !line.elementsEqual(JournalFormat.headerLine(journalID: id, createdAt: createdAt).dropLast())
            {
                throw .notCanonical
            }
        } else if Self.matches(line, at: 0, JournalFormat.lostStart) {
            kind = try Self.lost(line, body: body, verify: verify)
        } else {
            throw .malformed("neither a header nor a record")
        }
    }

    private static func record(_ line: UnsafeRawBufferPointer, hashKeyStart: Int) throws(Defect) -> Kind {
        let previous = try previousHash(line, hashKeyStart: hashKeyStart)
        var index = JournalFormat.recordStart.count
        var seq: Int64 = 0
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9"),
            seq < Int64.max / 10
        {
            seq = seq * 10 + Int64(line[index] - UInt8(ascii: "0"))
            index += 1
        }
        let atKey = Array(#","at":""#.utf8)
        guard seq > 0, matches(line, at: index, atKey), index + atKey.count + 28 <= line.count else {
            throw .malformed("no seq and recorded time at the start")
        }
        let atStart = index + atKey.count
        let atText = String(decoding: UnsafeRawBufferPointer(rebasing: line[atStart..<(atStart + 27)]), as: UTF8.self)
        guard line[atStart + 27] == UInt8(ascii: "\""), let recordedAt = Timestamp(rfc3339: atText) else {
            throw .malformed("recorded time is not RFC 3339")
        }
        return .record(seq: seq, recordedAt: recordedAt, previousHash: previous)
    }

    /// The `prev` right before `hash`, shared by records and lost lines.
    private static func previousHash(_ line: UnsafeRawBufferPointer, hashKeyStart: Int) throws(Defect) -> String {
        let prevStart = hashKeyStart - JournalFormat.prevPartLength
        guard prevStart > JournalFormat.recordStart.count, matches(line, at: prevStart, JournalFormat.prevKey),
            line[prevStart - 1] == UInt8(ascii: ","), line[hashKeyStart - 2] == UInt8(ascii: "\""),
            let previous = hex(UnsafeRawBufferPointer(rebasing: line[(prevStart + 8)..<(prevStart + 72)]))
        else { throw .malformed("no \"prev\" before \"hash\"") }
        return previous
    }

    private static func header(_ line: UnsafeRawBufferPointer) throws(Defect) -> Kind {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .malformed("header is not JSON: \(error)")
        }
        guard value["format"]?.stringValue == JournalFormat.formatName else { throw .malformed("not a journal header") }
        guard value["version"]?.intValue == JournalFormat.version else {
            throw .malformed(
                "journal version \(value["version"].map { JSONWriter.string($0) } ?? "?") is not supported")
        }
        guard let id = value["journalId"]?.stringValue, let created = value["createdAt"]?.stringValue,
            let createdAt = Timestamp(rfc3339: created)
        else { throw .malformed("header lacks journalId or createdAt") }
        return .header(journalID: id, createdAt: createdAt)
    }

    private static func lost(_ line: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer, verify: Bool) throws(Defect)
        -> Kind
    {
        let previous = try previousHash(line, hashKeyStart: body.count)
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .malformed("lost-records line is not JSON: \(error)")
        }
        guard let from = value["lostFrom"]?.intValue.map(Int64.init),
            let through = value["lostThrough"]?.intValue.map(Int64.init), from >= 1,
            through >= from, let salvagedText = value["salvagedAt"]?.stringValue,
            let salvagedAt = Timestamp(rfc3339: salvagedText), let reason = value["reason"]?.stringValue
        else { throw .malformed("lost-records line lacks lostFrom, lostThrough, salvagedAt or reason") }
        let original: String?
        switch value["original"] {
        case .null?: original = nil
        case .string(let text)?:
            guard text.utf8.count == 64,
                let checked = text.utf8.withContiguousStorageIfAvailable({
                    hex(UnsafeRawBufferPointer($0))
                }) ?? nil
            else { throw .malformed("lost-records line's original is not a hash") }
            original = checked
        default: throw .malformed("lost-records line lacks original")
        }
        if verify,
            !JournalFormat.isCanonicalLost(
                body, lost: from...through, salvagedAt: salvagedAt, reason: reason, original: original,
                previousHash: previous)
        {
            throw .notCanonical
        }
        return .lost(from...through, salvagedAt: salvagedAt, reason: reason, original: original, previousHash: previous)
    }

    /// The event of a record line: the line without `"prev"` and `"hash"`, closed again.
    static func event(of line: UnsafeRawBufferPointer) throws(EventDecodingError) -> Event {
        let end = line.count - JournalFormat.hashPartLength - JournalFormat.prevPartLength - 1
        var bytes = [UInt8](UnsafeRawBufferPointer(rebasing: line[0..<end]))
        bytes.append(UInt8(ascii: "}"))
        return try Event(jsonText: bytes)
    }

    private static func matches(_ line: UnsafeRawBufferPointer, at offset: Int, _ expected: [UInt8]) -> Bool {
        guard offset >= 0, offset + expected.count <= line.count else { return false }
        for (index, byte) in expected.enumerated() where line[offset + index] != byte { return false }
        return true
    }

    private static func hex(_ bytes: UnsafeRawBufferPointer) -> String? {
        for byte in bytes {
            guard
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            else { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
