/// Why a secret (the handshake, the admin token) cannot be used. The message says where it came from
/// and what is wrong, and never holds the secret: at most the code point and name of one non-ASCII
/// character in it.
public enum SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than `minimum` characters (all of them ASCII letters and digits).
    case tooShort(source: Source, length: Int, minimum: Int)
    /// The character at `position` (1-based, counting characters) is not an ASCII letter or digit.
    case notLetterOrDigit(source: Source, position: Int, character: CharacterKind)

    /// Where a secret came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// This environment variable (`MEMBERLEDGER_HANDSHAKE`).
        case environment(String)
        /// The data folder's file, at this path.
        case file(String)

        public var description: String {
            switch self {
            case .environment(let variable): variable
            case .file(let path): path
            }
        }

        /// How to get a good one instead.
        var remedy: String {
            switch self {
            case .environment: "fix it, or unset it to use the data folder's file"
            case .file: "delete the file to have one made"
            }
        }
    }

    /// What an offending character is, told without showing an ASCII character of the secret.
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
        switch self {
        case .tooShort(let source, let length, let minimum):
            return "\(source) holds \(length) character\(length == 1 ? "" : "s"); it must be at least \(minimum) ASCII"
                + " letters and digits (\(source.remedy))"
        case .notLetterOrDigit(let source, let position, let character):
            return "\(source): character \(position) is \(character), not an ASCII letter or digit; it must be ASCII"
                + " letters and digits only (\(source.remedy))"
        }
    }
}
