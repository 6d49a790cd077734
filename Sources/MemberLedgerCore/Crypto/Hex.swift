/// Base16 (hexadecimal) text for bytes, RFC 4648 §8, two digits per byte, most significant nibble first.
///
/// Encoding always produces lowercase so output is stable for comparison and storage; decoding accepts either
/// case but nothing else (no prefix, separators or whitespace).
public enum Hex {
    /// Returns the lowercase hexadecimal text for `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        // Unspecialised iteration over a generic collection costs allocations per byte: work on the memory.
        if let text = bytes.withContiguousStorageIfAvailable(encode(contiguous:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(encode(contiguous:))
    }

    private static func encode(contiguous bytes: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = bytes.count * 2
        guard outputCount > 0 else { return "" }
        let symbols = digits.utf8Start
        return String(unsafeUninitializedCapacity: outputCount) { output in
            for (index, byte) in bytes.enumerated() {
                output[2 * index] = symbols[Int(byte >> 4)]
                output[2 * index + 1] = symbols[Int(byte & 0x0F)]
            }
            return outputCount
        }
    }

    /// Returns the bytes spelled by `text`, or `nil` if its length is odd or it contains a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 2 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var index = 0
        while index < input.count {
            guard let high = nibble(input[index]), let low = nibble(input[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static let digits: StaticString = "0123456789abcdef"

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
