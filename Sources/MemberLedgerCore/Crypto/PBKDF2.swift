import CMemberLedgerSHA

/// PBKDF2 key derivation (RFC 8018 §5.2) with HMAC-SHA256 as the pseudorandom function.
///
/// The iteration loop works on 32-bit words in a reused stack buffer and starts every HMAC from the precomputed
/// padded-key states, so each iteration costs exactly two SHA-256 compressions and no allocation.
public enum PBKDF2 {
    /// Derives `keyLength` bytes from `password` and `salt` using `iterations` rounds of HMAC-SHA256.
    ///
    /// Enforces RFC 8018's requirements that the iteration count be positive and the requested key non-empty and
    /// no longer than (2^32 − 1) × 32 bytes; violating them is a programming error and traps.
    public static func sha256(
        password: some Collection<UInt8>,
        salt: some Collection<UInt8>,
        iterations: Int,
        keyLength: Int
    ) -> [UInt8] {
        sha256(
            password: password, salt: salt, iterations: iterations, keyLength: keyLength,
            hardware: SHA256.hardwareAccelerated)
    }

    /// `sha256` with the compression chosen: the CPU's SHA instructions when `hardware` (only where
    /// `SHA256.hardwareAccelerated`), else the Swift rounds; for the tests and the benchmark, which run both.
    public static func sha256(
        password: some Collection<UInt8>,
        salt: some Collection<UInt8>,
        iterations: Int,
        keyLength: Int,
        hardware: Bool
    ) -> [UInt8] {
        precondition(!hardware || SHA256.hardwareAccelerated, "no SHA instructions on this CPU")
        precondition(iterations >= 1, "PBKDF2 needs at least one iteration")
        precondition(keyLength >= 1, "PBKDF2 needs a positive key length")
        let digestSize = SHA256.digestByteCount
        let blockCount = (keyLength + digestSize - 1) / digestSize
        precondition(blockCount <= Int(UInt32.max), "PBKDF2 key length exceeds (2^32 - 1) * hLen")

        let prf = HMACSHA256.Key(password)
        let saltBytes = Array(salt)
        var derivedKey: [UInt8] = []
        derivedKey.reserveCapacity(blockCount * digestSize)

        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: SHA256.scheduleWordCount) { schedule in
            SHA256.roundConstants.withUnsafeBufferPointer { constants in
                let words = schedule.baseAddress!
                let k = constants.baseAddress!
                // Both hashes inside one iteration absorb a single 32-byte value after one key block, so their
                // final blocks share this padding: the 0x80 marker word, zeros, then the 96-byte bit length.
                // The schedule expansion never writes words 0..<16, so these survive every compression.
                words[8] = 0x8000_0000
                for index in 9..<15 { words[index] = 0 }
                words[15] = UInt32((SHA256.blockByteCount + digestSize) * 8)

                for blockIndex in 1...blockCount {
                    // U1 = PRF(P, S || INT(i)) has a variable-length message, so it takes the general path.
                    var first = prf.inner
                    first.update(saltBytes)
                    first.update(bigEndianBytes(UInt32(blockIndex)))
                    var outerFirst = prf.outer
                    outerFirst.update(first.finalize())
                    var u = SHA256.ChainingValue(digest: outerFirst.finalize())
                    var accumulated = u

                    if hardware {
                        iterateInHardware(&u, &accumulated, prf: prf, iterations: iterations)
                    } else {
                        for _ in 1..<iterations {
                            u.store(into: words)
                            var innerState = prf.inner.chainingValue
                            SHA256.compress(&innerState, schedule: words, constants: k)
                            innerState.store(into: words)
                            var outerState = prf.outer.chainingValue
                            SHA256.compress(&outerState, schedule: words, constants: k)
                            u = outerState
                            accumulated.formXor(u)
                        }
                    }

                    let take = min(digestSize, keyLength - derivedKey.count)
                    derivedKey.append(contentsOf: accumulated.digest.prefix(take))
                }
            }
        }
        return derivedKey
    }

    /// Iterations 2...c on the SHA instructions, all in the C target: each iteration's two hashes take a
    /// 32-byte value in one block whose padding never changes, so the value passes from one hash to the
    /// next in registers (twice as fast as a compression call per hash from here).
    private static func iterateInHardware(
        _ u: inout SHA256.ChainingValue, _ accumulated: inout SHA256.ChainingValue, prf: HMACSHA256.Key,
        iterations: Int
    ) {
        var inner = prf.inner.chainingValue.words
        var outer = prf.outer.chainingValue.words
        var value = u.words
        var sum = accumulated.words
        withUnsafeMutableBytes(of: &inner) { inner in
            withUnsafeMutableBytes(of: &outer) { outer in
                withUnsafeMutableBytes(of: &value) { value in
                    withUnsafeMutableBytes(of: &sum) { sum in
                        memberledger_pbkdf2_sha256_iterate_hardware(
                            inner.baseAddress!.assumingMemoryBound(to: UInt32.self),
                            outer.baseAddress!.assumingMemoryBound(to: UInt32.self),
                            value.baseAddress!.assumingMemoryBound(to: UInt32.self),
                            sum.baseAddress!.assumingMemoryBound(to: UInt32.self), UInt64(iterations - 1))
                    }
                }
            }
        }
        u = SHA256.ChainingValue(words: value)
        accumulated = SHA256.ChainingValue(words: sum)
    }

    /// INT(i) from RFC 8018 §5.2: the block index as four big-endian bytes.
    private static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }
}

extension SHA256.ChainingValue {
    /// Reads a 32-byte big-endian digest back into words, so PBKDF2 can feed it to the next compression directly.
    fileprivate init(digest: [UInt8]) {
        func word(_ offset: Int) -> UInt32 {
            UInt32(digest[offset]) << 24 | UInt32(digest[offset + 1]) << 16 | UInt32(digest[offset + 2]) << 8
                | UInt32(digest[offset + 3])
        }
        self.init(
            h0: word(0), h1: word(4), h2: word(8), h3: word(12),
            h4: word(16), h5: word(20), h6: word(24), h7: word(28)
        )
    }

    /// Writes the eight words as the first half of a message block (native integers, as the schedule expects).
    @inline(__always)
    fileprivate func store(into words: UnsafeMutablePointer<UInt32>) {
        words[0] = h0
        words[1] = h1
        words[2] = h2
        words[3] = h3
        words[4] = h4
        words[5] = h5
        words[6] = h6
        words[7] = h7
    }

    /// XORs `other` in word by word: the T ^= U step of RFC 8018's function F.
    @inline(__always)
    fileprivate mutating func formXor(_ other: Self) {
        h0 ^= other.h0
        h1 ^= other.h1
        h2 ^= other.h2
        h3 ^= other.h3
        h4 ^= other.h4
        h5 ^= other.h5
        h6 ^= other.h6
        h7 ^= other.h7
    }
}
