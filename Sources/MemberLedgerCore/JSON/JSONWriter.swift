/// Writes a `JSONValue` as compact UTF-8 JSON whose bytes depend only on the value.
///
/// The output has no whitespace, object members in their stored order and numbers as their stored
/// literal text, so the same value always gives the same bytes; stored data and digests rely on that.
///
/// Strings are escaped by one fixed rule, part of the on-disk format and not to be changed:
/// - `"` → `\"` and `\` → `\\`;
/// - U+0008 → `\b`, U+000C → `\f`, U+000A → `\n`, U+000D → `\r`, U+0009 → `\t`;
/// - every other U+0000–U+001F → `\u00XX` with lowercase hex (`\u001f`);
/// - everything else, `/`, U+007F and all non-ASCII included, is written as its raw UTF-8 bytes.
///
/// A `.number` whose text is not a JSON number literal would make the output unreadable; that is a
/// programming error, caught by an assertion in debug builds.
public enum JSONWriter {
    /// Appends `value` to `bytes`, compact, members in stored order.
    ///
    /// The recursion follows the value's nesting, which the parser bounds; a value built by hand should
    /// stay as shallow.
    public static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
        switch value {
        case .null:
            appendLiteral("null", into: &bytes)
        case .bool(let b):
            appendLiteral(b ? "true" : "false", into: &bytes)
        case .number(let text):
            assert(JSONParser.isNumberLiteral(text), "JSONValue.number holds \"\(text)\", not a JSON number literal")
            bytes.append(contentsOf: text.utf8)
        case .string(let s):
            appendString(s, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(member.key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(member.value, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The compact encoding of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        write(value, into: &bytes)
        return bytes
    }

    /// The compact encoding of `value` as a `String`.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Appends `s` as a quoted JSON string, escaped by the rule in the type's documentation.
    ///
    /// Hand-written encoders call this so that every string in a document is escaped the same way.
    public static func appendString(_ s: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = s.utf8
        let doneInPlace: Void? = utf8.withContiguousStorageIfAvailable { appendEscaped($0, into: &bytes) }
        if doneInPlace == nil {
            Array(utf8).withUnsafeBufferPointer { appendEscaped($0, into: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs that need no escape in one go and escapes the bytes between them. UTF-8 continuation
    /// and lead bytes are all ≥ 0x80, so a byte-wise test never splits a character.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) {
        var runStart = 0
        for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            if runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            runStart = index + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22: bytes.append(UInt8(ascii: "\""))
            case 0x5C: bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0xF)])
            }
        }
        if runStart < utf8.count {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    private static func appendLiteral(_ literal: StaticString, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
