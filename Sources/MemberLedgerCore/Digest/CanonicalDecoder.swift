/// Reads the canonical encoding back (see `CanonicalEncoder` and `Docs/state-encoding.md`), for loading
/// snapshots. Every read is bounds-checked: truncated or altered bytes give an error naming the offset,
/// never a crash or a wrong value.
public struct CanonicalDecoder {
    /// Why bytes are not a canonical encoding.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where reading stopped.
        public var offset: Int
        /// What was expected there.
        public var expected: String

        public var description: String { "canonical bytes invalid at offset \(offset): expected \(expected)" }
    }

    private let bytes: [UInt8]
    /// How far reading has come.
    public private(set) var offset = 0

    /// A decoder at the start of the bytes.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int, _ what: String) throws(Failure) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else { throw Failure(offset: offset, expected: what) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// An 8-byte big-endian integer.
    public mutating func int64() throws(Failure) -> Int64 {
        Int64(bitPattern: try take(8, "an integer").reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// An integer that fits `Int`.
    public mutating func int() throws(Failure) -> Int {
        let start = offset
        guard let value = Int(exactly: try int64()) else { throw Failure(offset: start, expected: "a small integer") }
        return value
    }

    /// A 4-byte count, no larger than the bytes left could hold.
    public mutating func count() throws(Failure) -> Int {
        let start = offset
        let value = Int(try take(4, "a count").reduce(0) { $0 << 8 | UInt32($1) })
        guard value <= bytes.count - offset else { throw Failure(offset: start, expected: "a count within the bytes") }
        return value
    }

    /// A string.
    public mutating func string() throws(Failure) -> String {
        let length = try count()
        let start = offset
        let text = try take(length, "string bytes").withUnsafeBufferPointer { bytes in
            // ASCII (nearly every id, email, tag and field) is valid UTF-8 as it stands; only other text
            // goes through the validating initializer, which costs a generic-metadata lookup per call.
            ByteSearch.isASCII(bytes)
                ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
        }
        guard let text else { throw Failure(offset: start, expected: "UTF-8 text") }
        return text
    }

    /// Raw bytes with their count.
    public mutating func byteArray() throws(Failure) -> [UInt8] {
        Array(try take(try count(), "bytes"))
    }

    /// A boolean byte (0 or 1).
    public mutating func bool() throws(Failure) -> Bool {
        let start = offset
        switch try take(1, "a boolean").first {
        case 0: return false
        case 1: return true
        default: throw Failure(offset: start, expected: "0 or 1")
        }
    }

    /// An instant.
    public mutating func timestamp() throws(Failure) -> Timestamp { Timestamp(microseconds: try int64()) }

    /// An optional string.
    public mutating func optionalString() throws(Failure) -> String? { try bool() ? try string() : nil }

    /// An optional instant.
    public mutating func optionalTimestamp() throws(Failure) -> Timestamp? { try bool() ? try timestamp() : nil }

    /// A list, each item read by `item`.
    public mutating func list<Item>(_ item: (inout CanonicalDecoder) throws(Failure) -> Item) throws(Failure) -> [Item]
    {
        let total = try count()
        var items: [Item] = []
        items.reserveCapacity(total)
        for _ in 0..<total { items.append(try item(&self)) }
        return items
    }

    /// A value of a `RawRepresentable` string enum.
    public mutating func enumeration<Value: RawRepresentable>(_ type: Value.Type) throws(Failure) -> Value
    where Value.RawValue == String {
        let start = offset
        guard let value = Value(rawValue: try string()) else {
            throw Failure(offset: start, expected: "a \(Value.self)")
        }
        return value
    }
}
