import MemberLedgerJournal
import MemberLedgerWebhooks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The site's shared secret, which every webhook URL carries (`/?aal_genpass=HANDSHAKE`).
///
/// It comes from `MEMBERLEDGER_HANDSHAKE` when set, else from `DIR/handshake`, which the first start
/// creates (0600) with 32 characters from the system CSPRNG. It is never logged or stored elsewhere.
public enum Handshake {
    /// Characters of a generated handshake: letters and digits, safe in any URL without encoding.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// The handshake for a data folder, creating its file when neither the environment nor the file has one.
    public static func load(folder: DataFolder, environment: [String: String]) throws -> String {
        if let fromEnvironment = environment["MEMBERLEDGER_HANDSHAKE"], !fromEnvironment.isEmpty {
            guard fromEnvironment.utf8.count >= WebhookDecoder.minimumHandshakeLength else {
                throw HandshakeError.tooShort(path: "MEMBERLEDGER_HANDSHAKE")
            }
            return fromEnvironment
        }
        let path = "\(folder.path)/handshake"
        if FileSystem.exists(path) {
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
                .filter { !$0.isWhitespace }
            guard text.utf8.count >= WebhookDecoder.minimumHandshakeLength else {
                throw HandshakeError.tooShort(path: path)
            }
            return text
        }
        try FileSystem.makeDirectory(folder.path)
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL)
        defer { file.close() }
        try file.writeAll(Array((secret + "\n").utf8))
        try file.sync()
        return secret
    }
}

/// Why a handshake could not be used.
public enum HandshakeError: Error, CustomStringConvertible {
    /// The handshake file holds fewer than 16 characters.
    case tooShort(path: String)

    public var description: String {
        switch self {
        case .tooShort(let path):
            "\(path) holds fewer than \(WebhookDecoder.minimumHandshakeLength) characters; use a longer one (delete the file to have one made)"
        }
    }
}
