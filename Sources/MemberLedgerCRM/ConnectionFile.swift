import MemberLedgerCore
import MemberLedgerJournal

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The saved CRM connection of a data folder: `DIR/crm.json` (what `crm status` shows) and `DIR/crm.key`
/// (the API key alone, 0600). Both are written durably; the key is never read into anything but a
/// transport's headers.
public enum ConnectionFile {
    /// The connection's settings file.
    public static func settingsPath(_ folder: DataFolder) -> String { "\(folder.path)/crm.json" }
    /// The API key's file.
    public static func keyPath(_ folder: DataFolder) -> String { "\(folder.path)/crm.key" }

    /// The saved connection and its key; nil when none is saved.
    public static func load(_ folder: DataFolder) throws(ConnectionFileError) -> (CRMConnection, key: String)? {
        let settings = settingsPath(folder)
        guard FileSystem.exists(settings) else { return nil }
        let json: JSONValue
        do {
            json = try JSONParser.parse(try FileSystem.readFile(settings))
        } catch {
            throw .unreadable(path: settings, why: "\(error)")
        }
        let connection = try CRMConnection(json: json, path: settings)
        let keyFile = keyPath(folder)
        let key: String
        do {
            key = String(decoding: try FileSystem.readFile(keyFile), as: UTF8.self).filter { !$0.isWhitespace }
        } catch {
            throw .unreadable(path: keyFile, why: "\(error)")
        }
        guard !key.isEmpty else { throw .unreadable(path: keyFile, why: "it is empty") }
        return (connection, key)
    }

    /// Saves a connection and its key (both 0600), replacing any saved before.
    public static func save(_ connection: CRMConnection, key: String, in folder: DataFolder) throws(SystemError) {
        try FileSystem.makeDirectory(folder.path)
        try FileSystem.writeDurably(Array((key + "\n").utf8), to: keyPath(folder))
        try FileSystem.writeDurably(JSONWriter.bytes(connection.json) + [0x0A], to: settingsPath(folder))
    }

    /// Removes the saved connection and wipes its key.
    public static func remove(from folder: DataFolder) throws(SystemError) {
        try FileSystem.removeDurably(settingsPath(folder))
        try FileSystem.removeDurably(keyPath(folder))
    }
}

/// Why a saved connection could not be read.
public enum ConnectionFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be read or parsed.
    case unreadable(path: String, why: String)
    /// `crm.json` lacks a setting or holds a wrong one.
    case invalid(path: String, why: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): "\(path) cannot be read: \(why)"
        case .invalid(let path, let why): "\(path): \(why); run `memberledger crm connect` again"
        }
    }
}

extension CRMConnection {
    /// The connection as `crm.json` holds it (and `crm status --json` prints it); absent settings left out.
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("crm", .string(kind.rawValue)), ("baseUrl", .string(baseURL)),
        ]
        if let account { fields.append(("account", .string(account))) }
        if let appID { fields.append(("appId", .string(appID))) }
        if let passwordField { fields.append(("passwordField", .string(passwordField))) }
        if let requestsPerSecond { fields.append(("requestsPerSecond", .number(String(requestsPerSecond)))) }
        return .object(fields)
    }

    /// What the journal records of this connection (`crm.connected`): no key, no App ID.
    public var link: CRMLink {
        CRMLink(kind: kind, baseURL: baseURL, account: account, passwordField: passwordField)
    }

    init(json: JSONValue, path: String) throws(ConnectionFileError) {
        func text(_ key: String) -> String? { json[key]?.stringValue }
        guard let name = text("crm"), let kind = CRMKind(rawValue: name) else {
            throw .invalid(
                path: path, why: "\"crm\" must be one of \(CRMKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let baseURL = text("baseUrl"), !baseURL.isEmpty else {
            throw .invalid(path: path, why: "\"baseUrl\" is missing")
        }
        var rate: Double?
        if let value = json["requestsPerSecond"] {
            guard case .number(let literal) = value, let number = Double(literal), number > 0 else {
                throw .invalid(path: path, why: "\"requestsPerSecond\" must be a positive number")
            }
            rate = number
        }
        self.init(
            kind: kind, baseURL: baseURL, account: text("account"), appID: text("appId"),
            passwordField: text("passwordField"), requestsPerSecond: rate)
    }
}
