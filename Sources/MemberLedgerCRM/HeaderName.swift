/// Header names compared the way HTTP compares them: ASCII letters without regard to case, every other
/// byte exactly. (Foundation's case-insensitive compare would also fold non-ASCII letters, which HTTP
/// field names never hold.)
enum HeaderName {
    /// Whether two header names are the same field.
    static func matches(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { lowered($0) == lowered($1) }
    }

    /// The value of the first header in `headers` named `name`.
    static func first(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { matches($0.name, name) }?.value
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
