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
/// Wherever it comes from, it must meet one rule (`check`): ASCII letters and digits only, at least 16.
public enum Handshake {
    /// Characters of a generated handshake: letters and digits, safe in any URL without encoding.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// The environment variable that, when set and not empty, holds the handshake.
    public static let environmentVariable = "MEMBERLEDGER_HANDSHAKE"

    /// The handshake for a data folder, creating its file when neither the environment nor the file has one.
    ///
    /// - Throws: `HandshakeError` when the handshake found breaks the rule (see `check`); the file
    ///   system's error when the file cannot be read or made.
    public static func load(folder: DataFolder, environment: [String: String]) throws -> String {
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            try check(fromEnvironment, from: .environment)
            return fromEnvironment
        }
        let path = "\(folder.path)/handshake"
        if FileSystem.exists(path) {
            let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
                .filter { !$0.isWhitespace }
            try check(text, from: .file(path))
            return text
        }
        try FileSystem.makeDirectory(folder.path)
        let secret = generate()
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL)
        defer { file.close() }
        try file.writeAll(Array((secret + "\n").utf8))
        try file.sync()
        return secret
    }

    /// A new handshake: 32 characters of `alphabet` from the system CSPRNG (which `check` accepts).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The rule for every handshake, wherever it comes from: ASCII letters and digits only (a look-alike
    /// such as a Cyrillic `а`, a space or a symbol is refused, so the URL a CRM is given needs no encoding
    /// and means what it shows), and at least `WebhookDecoder.minimumHandshakeLength` of them.
    ///
    /// - Throws: the first character that is not an ASCII letter or digit, by position; else a length
    ///   under the minimum. The error never holds the handshake.
    public static func check(_ handshake: String, from source: HandshakeError.Source) throws(HandshakeError) {
        for (offset, character) in handshake.enumerated() where !isLetterOrDigit(character) {
            throw .notLetterOrDigit(
                source: source, position: offset + 1, character: HandshakeError.CharacterKind(character))
        }
        let length = handshake.count
        guard length >= WebhookDecoder.minimumHandshakeLength else {
            throw .tooShort(source: source, length: length)
        }
    }

    private static func isLetterOrDigit(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(ascii)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(ascii)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii)
    }
}

/// Why a handshake cannot be used. The message says where it came from and what is wrong, and never
/// holds the handshake: at most the code point and name of one non-ASCII character in it.
public enum HandshakeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than 16 characters (all of them ASCII letters and digits).
    case tooShort(source: Source, length: Int)
    /// The character at `position` (1-based, counting characters) is not an ASCII letter or digit.
    case notLetterOrDigit(source: Source, position: Int, character: CharacterKind)

    /// Where a handshake came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// `MEMBERLEDGER_HANDSHAKE`.
        case environment
        /// The data folder's handshake file, at this path.
        case file(String)

        public var description: String {
            switch self {
            case .environment: Handshake.environmentVariable
            case .file(let path): path
            }
        }

        /// How to get a good one instead.
        var remedy: String {
            switch self {
            case .environment: "fix it, or unset it to use DIR/handshake"
            case .file: "delete the file to have one made"
            }
        }
    }

    /// What an offending character is, told without showing an ASCII character of the handshake.
    public enum CharacterKind: Sendable, Equatable, CustomStringConvertible {
        /// A space, tab or line break.
        case whitespace
        /// An ASCII control character.
        case control
        /// An ASCII symbol or punctuation mark.
        case symbol
        /// A character beyond ASCII, by its first scalar beyond ASCII (a letter with a combining mark is
        /// told by its mark).
        case nonASCII(Unicode.Scalar)

        init(_ character: Character) {
            if let scalar = character.unicodeScalars.first(where: { !$0.isASCII }) {
                self = .nonASCII(scalar)
            } else if character.isWhitespace {
                self = .whitespace
            } else if character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                self = .control
            } else {
                self = .symbol
            }
        }

        public var description: String {
            switch self {
            case .whitespace: return "whitespace"
            case .control: return "an ASCII control character"
            case .symbol: return "an ASCII symbol or punctuation mark"
            case .nonASCII(let scalar):
                var text = "U+\(Self.hex(scalar))"
                if let name = scalar.properties.name ?? scalar.properties.nameAlias { text += " \(name)" }
                if let ascii = Self.lookAlike(scalar) { text += ", which looks like '\(ascii)'" }
                return text
            }
        }

        /// The ASCII letter or digit a scalar is easily mistaken for, if any: Cyrillic and Greek capitals
        /// and small letters that share a Latin letter's shape, fullwidth forms, dotless i.
        static func lookAlike(_ scalar: Unicode.Scalar) -> Character? {
            switch scalar.value {
            case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:  // fullwidth digits and letters
                return Unicode.Scalar(scalar.value - 0xFEE0).map(Character.init)
            default:
                return lookAlikes[scalar.value]
            }
        }

        private static let lookAlikes: [UInt32: Character] = [
            // Cyrillic capitals and small letters.
            0x0405: "S", 0x0406: "I", 0x0408: "J", 0x0410: "A", 0x0412: "B", 0x0415: "E", 0x041A: "K", 0x041C: "M",
            0x041D: "H", 0x041E: "O", 0x0420: "P", 0x0421: "C", 0x0422: "T", 0x0423: "Y", 0x0425: "X", 0x0430: "a",
            0x0435: "e", 0x043E: "o", 0x0440: "p", 0x0441: "c", 0x0443: "y", 0x0445: "x", 0x0455: "s", 0x0456: "i",
            0x0458: "j", 0x04BB: "h", 0x0501: "d", 0x051B: "q", 0x051D: "w",
            // Greek capitals and small letters.
            0x0391: "A", 0x0392: "B", 0x0395: "E", 0x0396: "Z", 0x0397: "H", 0x0399: "I", 0x039A: "K", 0x039C: "M",
            0x039D: "N", 0x039F: "O", 0x03A1: "P", 0x03A4: "T", 0x03A5: "Y", 0x03A7: "X", 0x03B9: "i", 0x03BD: "v",
            0x03BF: "o", 0x03C1: "p",
            // Latin small dotless i.
            0x0131: "i",
        ]

        private static func hex(_ scalar: Unicode.Scalar) -> String {
            let digits = String(scalar.value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    public var description: String {
        let rule = "a handshake must be at least \(WebhookDecoder.minimumHandshakeLength) ASCII letters and digits"
        switch self {
        case .tooShort(let source, let length):
            return "\(source) holds \(length) character\(length == 1 ? "" : "s"); \(rule) (\(source.remedy))"
        case .notLetterOrDigit(let source, let position, let character):
            return "\(source): character \(position) is \(character), not an ASCII letter or digit; \(rule)"
                + " (\(source.remedy))"
        }
    }
}
