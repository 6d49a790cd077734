/// A JSON document held as a tree, keeping what a byte-stable format needs.
///
/// Object members keep the order they were read or built in (never a `Dictionary`), and numbers keep
/// their literal text, so a value read and written again yields the same bytes and no number is ever
/// rounded through `Double`.
///
/// Equality is exact: strings and keys compare by their Unicode scalars (not by Swift's canonical
/// equivalence), numbers by their text (`1.0` ≠ `1`), and objects member by member in order. Two values
/// that would be written as different bytes are therefore never equal.
public enum JSONValue: Sendable, Equatable {
    /// The literal `null`.
    case null
    /// The literal `true` or `false`.
    case bool(Bool)
    /// A number as its literal text, exactly as read (`"-12"`, `"3.50"`, `"1e3"`).
    ///
    /// The text is kept so that integers wider than 64 bits and decimal fractions survive untouched.
    /// It must follow the RFC 8259 number grammar, because the writer emits it verbatim.
    case number(String)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object's members in order; keys are unique, because the parser rejects a repeated key.
    case object([(key: String, value: JSONValue)])

    /// Exact, order-sensitive equality; see the type's documentation for why it is stricter than `String`'s.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let l), .bool(let r)):
            return l == r
        case (.number(let l), .number(let r)), (.string(let l), .string(let r)):
            return l.hasSameScalars(as: r)
        case (.array(let l), .array(let r)):
            return l == r
        case (.object(let l), .object(let r)):
            guard l.count == r.count else { return false }
            for (a, b) in zip(l, r) where !a.key.hasSameScalars(as: b.key) || a.value != b.value {
                return false
            }
            return true
        default:
            return false
        }
    }

    /// A number holding an integer, written in base 10 with no fraction or exponent.
    public static func int(_ v: some BinaryInteger) -> JSONValue {
        .number(String(v, radix: 10))
    }

    /// The value of the member named `key` when this is an object, else nil.
    ///
    /// The key is matched by exact Unicode scalars, like the parser's duplicate check.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key.hasSameScalars(as: key) {
            return member.value
        }
        return nil
    }

    /// The text of a string; nil for every other kind (a number is not a string).
    public var stringValue: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// The value of a number written as a plain integer (`-?(0|[1-9][0-9]*)`) that fits in `Int64`.
    ///
    /// Nil for anything with a fraction or exponent, even `1.0` or `1e2`, and for an integer that
    /// overflows: a value that is not exactly an integer as written is refused rather than converted.
    public var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return Self.plainInt64(text)
    }

    /// `int64Value` when it also fits in `Int`.
    public var intValue: Int? {
        int64Value.flatMap { Int(exactly: $0) }
    }

    /// The truth value of `true` or `false`; nil for every other kind.
    public var boolValue: Bool? {
        guard case .bool(let b) = self else { return nil }
        return b
    }

    /// The elements of an array; nil for every other kind.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The members of an object in order; nil for every other kind.
    public var objectValue: [(key: String, value: JSONValue)]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// Whether this is the literal `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON name of this value's kind, for messages such as "expected a string, found a number".
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Reads `-?(0|[1-9][0-9]*)` into an `Int64`, accumulating on the sign's side so `Int64.min` fits.
    private static func plainInt64(_ text: String) -> Int64? {
        var utf8 = text.utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        guard let first = utf8.first, first != UInt8(ascii: "0") || utf8.count == 1 else { return nil }
        var result: Int64 = 0
        for byte in utf8 {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, o1) = result.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                negative
                ? shifted.subtractingReportingOverflow(Int64(digit)) : shifted.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            result = next
        }
        return result
    }
}

extension String {
    /// Whether both strings hold the same Unicode scalars, byte for byte in UTF-8.
    ///
    /// `==` on `String` treats canonically equivalent spellings ("é" and "e\u{301}") as equal; JSON keys
    /// and values must not, because they are written as different bytes.
    func hasSameScalars(as other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        let inPlace = a.withContiguousStorageIfAvailable { pa in
            b.withContiguousStorageIfAvailable { pb in pa.elementsEqual(pb) }
        }
        return (inPlace ?? nil) ?? a.elementsEqual(b)
    }
}
