/// Why a text is not strict RFC 8259 JSON, and the byte offset where that was found.
///
/// The offset is counted in bytes from the start of the input (0-based) so a user can find the spot in
/// any editor or with `dd`, whatever the text's characters. Each reason documents which byte it names.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// The input ended where more was required (a value, a closing quote or bracket, a digit, an
        /// escape's hex digits). The offset is the input's length.
        case unexpectedEnd
        /// A byte that cannot appear at this point of the grammar, e.g. a `}` after a comma or an `N` where
        /// a value starts. The offset is that byte's.
        case unexpectedByte(UInt8)
        /// A number breaks the RFC 8259 grammar: a leading zero, a `-`, `.` or exponent with no digit
        /// after it. The offset is the first byte that could not continue the number.
        case invalidNumber
        /// A backslash not followed by one of `" \ / b f n r t` or by `u` and four hex digits. The offset
        /// is the backslash's.
        case invalidEscape
        /// A `\u` escape that names a lone or mismatched UTF-16 surrogate, which is no Unicode scalar. The
        /// offset is the backslash of the surrogate that lacks its partner.
        case invalidUnicodeScalar
        /// The bytes of a string are not well-formed UTF-8 (overlong forms, encoded surrogates and values
        /// above U+10FFFF included). The offset is the first byte of the ill-formed sequence.
        case invalidUTF8
        /// A raw byte U+0000–U+001F inside a string, where JSON requires an escape. The offset is that
        /// byte's.
        case controlCharacterInString
        /// A key appears twice in one object, which would make its meaning depend on the reader. Keys are
        /// compared by exact Unicode scalars after unescaping. The offset is the second key's opening quote.
        case duplicateKey(String)
        /// Arrays and objects are nested deeper than the limit, which bounds the parser's recursion
        /// against hostile input. The offset is the bracket that opens one level too many.
        case tooDeep(limit: Int)
        /// A complete value is followed by something other than whitespace; a document is exactly one
        /// value. The offset is the first such byte.
        case trailingData
    }

    /// What was wrong.
    public var reason: Reason
    /// The 0-based byte offset in the input where the problem was found; see each `Reason` for which byte.
    public var offset: Int

    /// An error for `reason` found at byte `offset`.
    public init(reason: Reason, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A one-line message naming the offset and the problem, e.g.
    /// `invalid JSON at byte 17: duplicate key "email"`.
    public var description: String {
        "invalid JSON at byte \(offset): \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .unexpectedEnd:
            return "unexpected end of input"
        case .unexpectedByte(let byte):
            return "unexpected byte \(Self.describe(byte))"
        case .invalidNumber:
            return "invalid number"
        case .invalidEscape:
            return "invalid escape sequence"
        case .invalidUnicodeScalar:
            return "\\u escape is a lone or mismatched surrogate"
        case .invalidUTF8:
            return "invalid UTF-8"
        case .controlCharacterInString:
            return "unescaped control character in string"
        case .duplicateKey(let key):
            return "duplicate key \(Self.quote(key))"
        case .tooDeep(let limit):
            return "nesting deeper than \(limit) levels"
        case .trailingData:
            return "unexpected data after the value"
        }
    }

    /// `0x7D ('}')` for printable ASCII, else just the hex, so a message never carries a raw control byte.
    private static func describe(_ byte: UInt8) -> String {
        let digits = "0123456789ABCDEF".utf8.map { Character(Unicode.Scalar($0)) }
        let hex = "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
        guard (0x20...0x7E).contains(byte) else { return hex }
        return "\(hex) ('\(Character(Unicode.Scalar(byte)))')"
    }

    /// The key as a JSON string, cut to 64 characters, so a hostile key can neither break the message's
    /// line nor bloat it.
    private static func quote(_ key: String) -> String {
        let shown = key.prefix(64)
        var bytes: [UInt8] = []
        JSONWriter.appendString(String(shown), into: &bytes)
        let quoted = String(decoding: bytes, as: UTF8.self)
        return shown.endIndex < key.endIndex ? quoted + "…" : quoted
    }
}
