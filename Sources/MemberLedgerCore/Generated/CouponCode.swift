/// Coupon codes derived from random bytes recorded with an event.
///
/// Codes are not secrets, so the reducer may derive them: the recorder stores random bytes from the
/// system CSPRNG in the event, and code number `index` of that event is drawn from
/// SHA-256(entropy ‖ index as 4 bytes big-endian ‖ block as 4 bytes big-endian), block 0, 1, ... as
/// needed. Each byte below 248 picks `alphabet[byte % 31]` (rejection sampling keeps the choice unbiased).
/// Replay derives the same codes everywhere, and a custom operation can issue coupons too.
public enum CouponCode {
    /// 31 characters with no look-alikes: no 0/O, no 1/I/L.
    public static let alphabet: [Character] = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    /// Characters per code: 31¹⁰ ≈ 8 × 10¹⁴ codes.
    public static let length = 10

    /// Code number `index` derived from an event's entropy.
    public static func derive(from entropy: [UInt8], index: Int) -> String {
        precondition(!entropy.isEmpty, "coupon codes need recorded entropy")
        let limit = UInt8(alphabet.count * (256 / alphabet.count))
        var code = ""
        var block: UInt32 = 0
        while code.count < length {
            var hasher = SHA256()
            hasher.update(entropy)
            hasher.update(bigEndianBytes(UInt32(truncatingIfNeeded: index)) + bigEndianBytes(block))
            for byte in hasher.finalize() where byte < limit && code.count < length {
                code.append(alphabet[Int(byte) % alphabet.count])
            }
            block += 1
        }
        return code
    }

    private static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
