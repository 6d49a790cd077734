/// An `application/x-www-form-urlencoded` body or query string, decoded into ordered name/value pairs,
/// with PHP's bracket names (`contact[fields][member_points]`) split into paths.
///
/// Strict: a `%` not followed by two hex digits, or bytes that do not decode to UTF-8, are errors that
/// give the pair's position (never its text), never silently dropped.
public struct FormBody: Sendable {
    /// One `name=value` pair.
    public struct Pair: Sendable {
        /// The name as sent (decoded), e.g. `contact[fields][member_points]`.
        public var name: String
        /// The name split at PHP brackets: `["contact", "fields", "member_points"]`.
        public var path: [String]
        /// The value as sent (decoded).
        public var value: String
        /// Where the pair is, counted from 1 (`a=1&b=2`: `b` is pair 2; empty pairs, `&&`, are not counted),
        /// for error messages.
        public var position: Int
    }

    /// The pairs, in the order sent.
    public var pairs: [Pair]

    /// The pairs of a query (`part: .query`) or form body.
    public init(_ bytes: some Collection<UInt8>, part: FormError.Part) throws(WebhookError) {
        pairs = []
        for (index, piece) in Array(bytes).split(separator: UInt8(ascii: "&")).enumerated() {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let rawName = piece[..<(equals ?? piece.endIndex)]
            let rawValue = equals.map { piece[piece.index(after: $0)...] } ?? []
            func decoded(_ bytes: ArraySlice<UInt8>, inName: Bool) throws(WebhookError) -> String {
                guard let decoded = Self.decodeBytes(bytes) else {
                    throw .malformedForm(
                        FormError(part: part, pair: index + 1, inName: inName, problem: .badPercentEncoding))
                }
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw .malformedForm(FormError(part: part, pair: index + 1, inName: inName, problem: .notUTF8))
                }
                return text
            }
            let name = try decoded(rawName, inName: true)
            let value = try decoded(rawValue, inName: false)
            pairs.append(Pair(name: name, path: Self.path(of: name), value: value, position: index + 1))
        }
    }

    /// The first value of an exact name.
    public func value(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of an exact name (repeated keys).
    func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The first value at a path.
    func value(at path: [String]) -> String? { pairs.first { $0.path == path }?.value }

    /// Pairs whose path starts with `prefix`, with the rest of the path joined by `.`.
    func children(of prefix: [String]) -> [(key: String, value: String)] {
        pairs.filter { $0.path.count > prefix.count && Array($0.path.prefix(prefix.count)) == prefix }
            .map { ($0.path.dropFirst(prefix.count).joined(separator: "."), $0.value) }
    }

    /// `+` is a space; `%XX` a byte; the bytes must be UTF-8.
    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        decodeBytes(bytes).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The bytes `+` and `%XX` stand for; nil for a `%` without two hex digits.
    static func decodeBytes(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        guard bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return Array(bytes)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                output.append(high << 4 | low)
            default: output.append(byte)
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `a[b][c]` → `["a", "b", "c"]`; a name without brackets is a path of one. Works on the UTF-8 bytes
    /// (brackets are ASCII, so they never fall inside a character).
    static func path(of name: String) -> [String] {
        let bytes = Array(name.utf8)
        let open = UInt8(ascii: "[")
        let close = UInt8(ascii: "]")
        guard let first = bytes.firstIndex(of: open), bytes.last == close else { return [name] }
        var path = [String(decoding: bytes[..<first], as: UTF8.self)]
        var start = first
        while start < bytes.count, bytes[start] == open,
            let end = bytes[(start + 1)...].firstIndex(of: close)
        {
            path.append(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))
            start = end + 1
        }
        return start == bytes.count ? path : [name]
    }
}
