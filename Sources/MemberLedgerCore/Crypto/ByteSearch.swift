/// Finding one byte string inside another. The request path searches every body for the handshake and
/// every field name for "password"; the standard library's `String.contains(_:)` does that through
/// Unicode-aware searchers that build a table per call, which cost more than the whole journal append
/// (`Docs/performance.md`). Comparing bytes is also what secrecy needs: a byte-for-byte occurrence of a
/// secret is a leak whatever the grapheme boundaries around it.
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`; nil when there is none or `needle`
    /// is empty.
    public static func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>)
        -> Int?
    {
        firstOffset(of: needle, in: haystack, caseless: false)
    }

    /// Whether `text` holds the bytes of `needle`.
    @inlinable
    public static func contains(_ text: some Collection<UInt8>, _ needle: some Collection<UInt8>) -> Bool {
        withBuffers(text, needle) { firstOffset(of: $1, in: $0, caseless: false) } != nil
    }

    /// Whether `text` holds `needle` with ASCII letters compared without case; `needle` must be lowercase.
    @inlinable
    public static func containsIgnoringASCIICase(_ text: some Collection<UInt8>, _ needle: some Collection<UInt8>)
        -> Bool
    {
        withBuffers(text, needle) { firstOffset(of: $1, in: $0, caseless: true) } != nil
    }

    /// Whether every byte is ASCII.
    @inlinable
    public static func isASCII(_ bytes: some Collection<UInt8>) -> Bool {
        func orOfAll(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt8 {
            // One OR over all bytes (no early exit) is a loop the compiler vectorizes.
            var union: UInt8 = 0
            for byte in buffer { union |= byte }
            return union
        }
        let union = bytes.withContiguousStorageIfAvailable(orOfAll) ?? Array(bytes).withUnsafeBufferPointer(orOfAll)
        return union < 0x80
    }

    @inlinable
    static func withBuffers<R>(
        _ text: some Collection<UInt8>, _ needle: some Collection<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        func needleBuffer(_ haystack: UnsafeBufferPointer<UInt8>) -> R {
            needle.withContiguousStorageIfAvailable { body(haystack, $0) }
                ?? Array(needle).withUnsafeBufferPointer { body(haystack, $0) }
        }
        return text.withContiguousStorageIfAvailable(needleBuffer)
            ?? Array(text).withUnsafeBufferPointer(needleBuffer)
    }

    @usableFromInline
    static func firstOffset(
        of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, caseless: Bool
    ) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        @inline(__always) func fold(_ byte: UInt8) -> UInt8 {
            caseless && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
        }
        var start = 0
        let lastStart = haystack.count - needle.count
        while start <= lastStart {
            if fold(haystack[start]) == first {
                var matched = 1
                while matched < needle.count && fold(haystack[start + matched]) == needle[matched] { matched += 1 }
                if matched == needle.count { return start }
            }
            start += 1
        }
        return nil
    }
}
