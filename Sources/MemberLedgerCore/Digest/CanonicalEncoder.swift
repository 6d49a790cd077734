/// Writes values in the canonical byte encoding used for the state digest and command fingerprints.
///
/// The encoding is specified in `Docs/state-encoding.md`: integers are 8 bytes big-endian two's
/// complement, strings are a 4-byte big-endian byte count then UTF-8, booleans and presence flags one byte,
/// and every collection is a 4-byte count followed by its items in a fixed order that never depends on
/// hashing. Nothing here is ambiguous: two different values never give the same bytes.
public struct CanonicalEncoder {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty encoder.
    public init() {}

    /// A 64-bit signed integer, 8 bytes big-endian.
    public mutating func append(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
    }

    /// An integer, as a 64-bit one.
    public mutating func append(_ value: Int) {
        append(Int64(value))
    }

    /// A count of items or bytes, 4 bytes big-endian.
    public mutating func appendCount(_ count: Int) {
        precondition(count >= 0 && count <= Int(UInt32.max), "count \(count) does not fit the encoding")
        let value = UInt32(count)
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// A string: its UTF-8 byte count, then the bytes.
    public mutating func append(_ value: String) {
        appendCount(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    /// Raw bytes with their count.
    public mutating func append(bytes value: [UInt8]) {
        appendCount(value.count)
        bytes.append(contentsOf: value)
    }

    /// A boolean: one byte, 0 or 1.
    public mutating func append(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    /// An instant, as its microseconds.
    public mutating func append(_ value: Timestamp) {
        append(value.microseconds)
    }

    /// An optional string: 0, or 1 followed by the string.
    public mutating func append(_ value: String?) {
        append(value != nil)
        if let value { append(value) }
    }

    /// An optional instant: 0, or 1 followed by the instant.
    public mutating func append(_ value: Timestamp?) {
        append(value != nil)
        if let value { append(value) }
    }

    /// Strings in UTF-8 byte order, with their count (sets of tags, member ids).
    public mutating func append(sorted values: some Collection<String>) {
        appendCount(values.count)
        for value in values.sorted(by: utf8Ascending) { append(value) }
    }

    /// String pairs sorted by key bytes, with their count (custom fields, parameters).
    public mutating func append(sortedPairs pairs: [String: String]) {
        append(fields: FieldMap(pairs.map { ($0.key, $0.value) }))
    }

    /// Fields, already in canonical order, with their count.
    public mutating func append(fields: FieldMap) {
        appendCount(fields.count)
        for field in fields {
            append(field.key)
            append(field.value)
        }
    }

    /// Items in the given order, with their count.
    public mutating func append<Item>(
        list items: some Collection<Item>, _ encode: (inout CanonicalEncoder, Item) -> Void
    ) {
        appendCount(items.count)
        for item in items { encode(&self, item) }
    }
}
