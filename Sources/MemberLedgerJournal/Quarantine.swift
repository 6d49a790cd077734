import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Moving damaged bytes out of the journal without losing them: they are copied to
/// `quarantine/OFFSET-TIME.bin` with a JSON manifest (offset, length, reason, time, SHA-256), both
/// fsynced, before the journal is truncated. Quarantined bytes + the remaining journal = the original.
public struct QuarantineRecord: Sendable, Equatable, CustomStringConvertible {
    /// Where the bytes were kept.
    public var path: String
    /// Their offset in the journal.
    public var offset: Int64
    /// How many bytes.
    public var length: Int64
    /// Why they were removed.
    public var reason: String

    public var description: String { "moved \(length) bytes from offset \(offset) to \(path) (\(reason))" }

    /// Copies `[offset, end)` of the journal into quarantine and makes the copy durable.
    static func quarantine(
        _ journal: FileDescriptor, from offset: Int64, reason: String, folder: DataFolder, at now: Timestamp
    ) throws(SystemError) -> QuarantineRecord {
        let length = try journal.size() - offset
        let stamp = String(now.microseconds)
        let base = "\(folder.quarantine)/journal-\(offset)-\(stamp)"
        let copy = try FileDescriptor.open("\(base).bin", O_WRONLY | O_CREAT | O_TRUNC)
        defer { copy.close() }
        var hasher = SHA256()
        var position = offset
        while position < offset + length {
            let chunk = try journal.read(count: min(1 << 20, Int(offset + length - position)), at: position)
            if chunk.isEmpty { break }
            try copy.writeAll(chunk)
            hasher.update(chunk)
            position += Int64(chunk.count)
        }
        try copy.sync()
        let manifest: JSONValue = .object([
            ("offset", .int(offset)), ("length", .int(length)), ("reason", .string(reason)),
            ("quarantinedAt", .string(now.rfc3339)), ("sha256", .string(Hex.encode(hasher.finalize()))),
        ])
        let manifestFile = try FileDescriptor.open("\(base).json", O_WRONLY | O_CREAT | O_TRUNC)
        defer { manifestFile.close() }
        try manifestFile.writeAll(JSONWriter.bytes(manifest) + [UInt8(ascii: "\n")])
        try manifestFile.sync()
        let directory = try FileDescriptor.openDirectory(folder.quarantine)
        defer { directory.close() }
        try directory.syncDirectory()
        return QuarantineRecord(path: "\(base).bin", offset: offset, length: length, reason: reason)
    }
}
