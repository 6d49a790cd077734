/// Base64 with the RFC 4648 §4 standard alphabet (`A–Z a–z 0–9 + /`) and `=` padding.
///
/// Decoding is strict: it accepts only the canonical encoding (length a multiple of four, padding only at the end,
/// no whitespace, unused trailing bits zero), so every byte string has exactly one accepted text form.
public enum Base64 {
    /// Returns the padded standard Base64 text for `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable(encode(buffer:)) {
            return text
        }
        return Array(bytes).withUnsafeBufferPointer(encode(buffer:))
    }

    /// Returns the bytes encoded by `text`, or `nil` if it is not canonical padded standard Base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        guard !input.isEmpty else { return [] }

        let padding = input[input.count - 1] == pad ? (input[input.count - 2] == pad ? 2 : 1) : 0
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 - padding)

        var quadStart = 0
        while quadStart < input.count {
            let isLast = quadStart + 4 == input.count
            let significant = isLast ? 4 - padding : 4
            var group: UInt32 = 0
            for offset in 0..<4 {
                let character = input[quadStart + offset]
                var value: UInt8 = 0
                if offset < significant {
                    value = decodingTable[Int(character)]
                    guard value != invalid else { return nil }
                } else {
                    guard character == pad else { return nil }
                }
                group = group << 6 | UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            if significant >= 3 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if significant == 4 { output.append(UInt8(truncatingIfNeeded: group)) }
            // Nonzero bits below the last whole byte would let several texts decode to the same bytes
            // (RFC 4648 §3.5), which strict decoding refuses.
            if significant == 2, group & 0xFFFF != 0 { return nil }
            if significant == 3, group & 0xFF != 0 { return nil }
            quadStart += 4
        }
        return output
    }

    private static let pad = UInt8(ascii: "=")

    private static let invalid: UInt8 = 0xFF

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Maps each byte to its 6-bit value, or `invalid` for anything outside the alphabet (including `=`).
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    private static func encode(buffer: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = (buffer.count + 2) / 3 * 4
        guard outputCount > 0 else { return "" }
        return alphabet.withUnsafeBufferPointer { symbols in
            String(unsafeUninitializedCapacity: outputCount) { output in
                var inputIndex = 0
                var outputIndex = 0
                while inputIndex + 3 <= buffer.count {
                    let group =
                        UInt32(buffer[inputIndex]) << 16 | UInt32(buffer[inputIndex + 1]) << 8
                        | UInt32(buffer[inputIndex + 2])
                    output[outputIndex] = symbols[Int(group >> 18 & 0x3F)]
                    output[outputIndex + 1] = symbols[Int(group >> 12 & 0x3F)]
                    output[outputIndex + 2] = symbols[Int(group >> 6 & 0x3F)]
                    output[outputIndex + 3] = symbols[Int(group & 0x3F)]
                    inputIndex += 3
                    outputIndex += 4
                }
                let leftover = buffer.count - inputIndex
                if leftover > 0 {
                    var group = UInt32(buffer[inputIndex]) << 16
                    if leftover == 2 { group |= UInt32(buffer[inputIndex + 1]) << 8 }
                    output[outputIndex] = symbols[Int(group >> 18 & 0x3F)]
                    output[outputIndex + 1] = symbols[Int(group >> 12 & 0x3F)]
                    output[outputIndex + 2] = leftover == 2 ? symbols[Int(group >> 6 & 0x3F)] : pad
                    output[outputIndex + 3] = pad
                }
                return outputCount
            }
        }
    }
}
