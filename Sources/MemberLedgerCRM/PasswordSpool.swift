import MemberLedgerCore
import MemberLedgerJournal

/// Where a new member's password waits until the CRM has it: `DIR/secrets/` (0700), one file (0600) per
/// password, written and fsynced before the genpass is answered, removed (and the removal fsynced) once
/// the CRM accepted it. The plaintext never reaches the journal.
///
/// A file is named by a key derived from the password's hash, which the journal holds: the outbox item
/// (which carries the hash) finds its password, and the name reveals nothing about the password.
public struct PasswordSpool: Sendable {
    /// The spool's folder.
    public let path: String

    /// How long an undelivered password is kept: after this it is destroyed (and the admin issues a new
    /// one with `memberledger password reset`).
    public static let keepSeconds: Int64 = 7 * 86_400

    /// The spool of a data folder.
    public init(folder: DataFolder) {
        path = "\(folder.path)/secrets"
    }

    /// A spooled password.
    public struct Entry: Sendable, Equatable {
        /// The file's key (derived from the hash).
        public var key: String
        /// The member it was made for.
        public var contactID: String
        /// The plaintext.
        public var password: String
        /// When it was spooled.
        public var spooledAt: Timestamp
    }

    /// The file key for a password hash: the first 32 hex digits of SHA-256 of the hash's text.
    public static func key(forHash hash: String) -> String {
        String(Hex.encode(SHA256.hash(Array(hash.utf8))).prefix(32))
    }

    /// Writes a password durably before anyone is told it exists.
    public func put(_ password: String, hash: String, contactID: String, at time: Timestamp) throws(SystemError) {
        try FileSystem.makeDirectory(path)
        let body: JSONValue = .object([
            ("contactId", .string(contactID)), ("password", .string(password)), ("spooledAt", .string(time.rfc3339)),
        ])
        try FileSystem.writeDurably(JSONWriter.bytes(body), to: file(Self.key(forHash: hash)))
    }

    /// The password spooled for a hash; nil when there is none (delivered, destroyed, or never spooled).
    public func entry(forHash hash: String) -> Entry? {
        entry(key: Self.key(forHash: hash))
    }

    /// Removes the password of a hash, durably.
    public func remove(hash: String) throws(SystemError) {
        try FileSystem.removeDurably(file(Self.key(forHash: hash)))
    }

    /// Removes a spooled file by key, durably.
    public func remove(key: String) throws(SystemError) {
        try FileSystem.removeDurably(file(key))
    }

    /// Every readable entry, by key order; files that are not spool entries are left alone.
    public func entries() -> [Entry] {
        guard let names = try? FileSystem.contents(of: path) else { return [] }
        return names.filter { $0.utf8.count == 32 && $0.allSatisfy(\.isHexDigit) }.compactMap(entry(key:))
    }

    private func file(_ key: String) -> String { "\(path)/\(key)" }

    private func entry(key: String) -> Entry? {
        guard let bytes = try? FileSystem.readFile(file(key)), let json = try? JSONParser.parse(bytes),
            let contactID = json["contactId"]?.stringValue, let password = json["password"]?.stringValue,
            let time = json["spooledAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
        else { return nil }
        return Entry(key: key, contactID: contactID, password: password, spooledAt: time)
    }
}
