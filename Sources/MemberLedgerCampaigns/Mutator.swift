import MemberLedgerTesting

/// Seeded mutations of valid requests, AFL-style: bit flips, random bytes, inserted and deleted runs,
/// duplicated ranges, tokens that matter to HTTP, forms and JSON, and splices of two inputs.
public struct Mutator: Sendable {
    /// The valid inputs mutations start from.
    public let corpus: [[UInt8]]

    /// Tokens that steer a mutation into the parsers' interesting corners.
    static let tokens: [[UInt8]] = [
        "\r\n", "\r\n\r\n", "\n", "\r", "\0", " ", ":", "%", "%zz", "%00", "%ff", "%C3%28", "+", "&", "=", "[", "]",
        "[]", "{", "}", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "-1", "0", "99999999999999999999",
        "Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n", "Content-Length: -1\r\n", "Host: a\r\n",
        "Expect: 100-continue\r\n", "aal_genpass=", "aal_updateteam=", "&contactId=", "contact[tags]=",
        "contact[fields][x]=", "||A||B||", "[Contact ID]", "~Contact.Id~", "{{ contact.id }}", "HTTP/1.0",
        "HTTP/2.0", "0\r\n\r\n", "ffffffff\r\n", "\u{FF}\u{FE}",
    ].map { Array($0.utf8) }

    /// A mutator over `corpus` (never empty).
    public init(corpus: [[UInt8]]) {
        precondition(!corpus.isEmpty, "a mutator needs at least one valid input")
        self.corpus = corpus
    }

    /// One mutated input: a corpus entry with 1 to 4 mutations.
    public func next(using random: inout SplitMix64) -> [UInt8] {
        var bytes = corpus[Int.random(in: 0..<corpus.count, using: &random)]
        for _ in 0..<Int.random(in: 1...4, using: &random) { mutate(&bytes, using: &random) }
        return bytes
    }

    func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 2:
            let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
            bytes.insert(contentsOf: token, at: position)
        case 3 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...32, using: &random))
            bytes.removeSubrange(position..<end)
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
            let copies = Int.random(in: 1...8, using: &random)
            let range = Array(bytes[position..<end])
            bytes.insert(contentsOf: Array([[UInt8]](repeating: range, count: copies).joined()), at: end)
        case 5:
            let byte = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)].first ?? 0
            bytes.insert(
                contentsOf: [UInt8](repeating: byte, count: Int.random(in: 1...4096, using: &random)), at: position)
        case 6:
            let other = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            let from = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &random)
            bytes = Array(bytes[..<position]) + other[from...]
        default:
            bytes = Array(bytes.prefix(position))
        }
    }
}
