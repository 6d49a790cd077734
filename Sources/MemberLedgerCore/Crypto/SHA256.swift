import CMemberLedgerSHA

/// An incremental SHA-256 hasher as specified in FIPS 180-4.
///
/// Feed bytes with the `update` overloads in as many pieces as is convenient, then call `finalize()` once to get the
/// 32-byte digest; splitting the input differently never changes the result. Whole 64-byte blocks are compressed
/// straight from the caller's memory, and only a trailing partial block is copied into the fixed inline buffer, so
/// hashing allocates nothing until the digest array is returned.
public struct SHA256: Sendable {
    /// The number of bytes in a SHA-256 digest (256 bits).
    public static let digestByteCount = 32

    /// The number of bytes SHA-256 consumes per compression (512 bits, FIPS 180-4 §5.1.1).
    public static let blockByteCount = 64

    /// Internal so HMAC and PBKDF2 can start from, and resume, a precomputed keyed state.
    var chainingValue: ChainingValue

    /// The partial block awaiting more input. A tuple rather than an array keeps the hasher free of heap storage,
    /// which makes copying a keyed state (as HMAC does per message) cheap.
    private var pending: BlockStorage

    /// How many leading bytes of `pending` hold input; always less than a block between calls.
    private var pendingByteCount: Int

    /// Total bytes absorbed so far. FIPS 180-4 appends the length modulo 2^64 bits, so wrapping arithmetic matches.
    private var totalByteCount: UInt64

    /// Creates a hasher in the FIPS 180-4 §5.3.3 initial state, ready for input.
    public init() {
        chainingValue = .initial
        pending = (0, 0, 0, 0, 0, 0, 0, 0)
        pendingByteCount = 0
        totalByteCount = 0
    }

    /// Absorbs the bytes in `bytes`; whole blocks are compressed directly from that memory without being copied.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var source = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        totalByteCount &+= UInt64(remaining)

        // Work on local copies: the closure below needs the buffer mutably, and touching other stored
        // properties of `self` inside it would be an overlapping access.
        var state = chainingValue
        var buffered = pendingByteCount
        withUnsafeMutableBytes(of: &pending) { block in
            let blockStart = block.baseAddress!
            if buffered > 0 {
                let take = min(Self.blockByteCount - buffered, remaining)
                (blockStart + buffered).copyMemory(from: source, byteCount: take)
                buffered += take
                source += take
                remaining -= take
                guard buffered == Self.blockByteCount else { return }
                Self.compress(&state, blocks: UnsafeRawPointer(blockStart), count: 1)
                buffered = 0
            }
            let wholeBlocks = remaining / Self.blockByteCount
            if wholeBlocks > 0 {
                Self.compress(&state, blocks: source, count: wholeBlocks)
                source += wholeBlocks * Self.blockByteCount
                remaining -= wholeBlocks * Self.blockByteCount
            }
            if remaining > 0 {
                blockStart.copyMemory(from: source, byteCount: remaining)
                buffered = remaining
            }
        }
        chainingValue = state
        pendingByteCount = buffered
    }

    /// Absorbs the bytes of `bytes`; arrays, slices and other contiguous collections are hashed in place.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let wasContiguous: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        guard wasContiguous == nil else { return }

        // Non-contiguous collections (lazy maps, linked structures) are staged through a small stack buffer so
        // memory use stays bounded however long the input is.
        let stagingCapacity = 4 * Self.blockByteCount
        withUnsafeTemporaryAllocation(byteCount: stagingCapacity, alignment: 8) { staging in
            var staged = 0
            for byte in bytes {
                staging[staged] = byte
                staged += 1
                if staged == stagingCapacity {
                    update(UnsafeRawBufferPointer(staging))
                    staged = 0
                }
            }
            if staged > 0 {
                update(UnsafeRawBufferPointer(rebasing: staging[0..<staged]))
            }
        }
    }

    /// Absorbs the UTF-8 encoding of `string`, exactly as stored (no Unicode normalisation is applied).
    public mutating func update(_ string: String) {
        var utf8 = string
        utf8.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Applies the FIPS 180-4 §5.1.1 padding and returns the 32-byte big-endian digest.
    ///
    /// Consuming, so a finished hasher cannot be fed more input by mistake.
    public consuming func finalize() -> [UInt8] {
        var state = chainingValue
        var block = pending
        let buffered = pendingByteCount
        let bitLength = totalByteCount &* 8
        withUnsafeMutableBytes(of: &block) { bytes in
            bytes[buffered] = 0x80
            // The 8-byte length must end a block; when it no longer fits after the 0x80 marker, the padding
            // spills into one extra all-zero block.
            let lengthOffset = Self.blockByteCount - 8
            if buffered >= lengthOffset {
                for index in (buffered + 1)..<Self.blockByteCount { bytes[index] = 0 }
                Self.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
                for index in 0..<lengthOffset { bytes[index] = 0 }
            } else {
                for index in (buffered + 1)..<lengthOffset { bytes[index] = 0 }
            }
            bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: lengthOffset, as: UInt64.self)
            Self.compress(&state, blocks: UnsafeRawPointer(bytes.baseAddress!), count: 1)
        }
        return state.digest
    }

    /// Returns the SHA-256 digest of `bytes` in one call.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of the raw memory in `bytes` in one call.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

extension SHA256 {
    /// Eight 64-bit words: 64 bytes of inline storage for one block.
    typealias BlockStorage = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The eight working hash words H0…H7 that carry state from one block to the next (FIPS 180-4 §6.2).
    ///
    /// Separate stored properties rather than an array, so compression works in registers and copying a state
    /// (which HMAC and PBKDF2 do for every message) never allocates.
    struct ChainingValue: Sendable, Equatable {
        var h0: UInt32
        var h1: UInt32
        var h2: UInt32
        var h3: UInt32
        var h4: UInt32
        var h5: UInt32
        var h6: UInt32
        var h7: UInt32

        /// H(0) from FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the first
        /// eight primes.
        static let initial = ChainingValue(
            h0: 0x6a09_e667, h1: 0xbb67_ae85, h2: 0x3c6e_f372, h3: 0xa54f_f53a,
            h4: 0x510e_527f, h5: 0x9b05_688c, h6: 0x1f83_d9ab, h7: 0x5be0_cd19
        )

        /// The state serialised big-endian, which is the digest once the final block has been compressed.
        var digest: [UInt8] {
            [UInt8](unsafeUninitializedCapacity: SHA256.digestByteCount) { buffer, initializedCount in
                storeBigEndian(into: UnsafeMutableRawBufferPointer(buffer))
                initializedCount = SHA256.digestByteCount
            }
        }

        /// The eight words as 32 big-endian bytes at the start of `raw` (the digest's layout).
        @inline(__always)
        func storeBigEndian(into raw: UnsafeMutableRawBufferPointer) {
            raw.storeBytes(of: h0.bigEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: h1.bigEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: h2.bigEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: h3.bigEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: h4.bigEndian, toByteOffset: 16, as: UInt32.self)
            raw.storeBytes(of: h5.bigEndian, toByteOffset: 20, as: UInt32.self)
            raw.storeBytes(of: h6.bigEndian, toByteOffset: 24, as: UInt32.self)
            raw.storeBytes(of: h7.bigEndian, toByteOffset: 28, as: UInt32.self)
        }
    }

    /// K from FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The number of 32-bit words in the expanded message schedule W0…W63.
    static let scheduleWordCount = 64

    /// Whether block compression runs on the CPU's SHA instructions (x86 SHA-NI, through the package's
    /// own C target) rather than the Swift rounds below. Both give the same digests; the tests check
    /// them against the NIST vectors and against each other.
    public static let hardwareAccelerated = memberledger_sha256_hardware_available() != 0

    /// Compresses `count` consecutive 64-byte blocks read directly from `blocks` into `state`.
    static func compress(_ state: inout ChainingValue, blocks: UnsafeRawPointer, count: Int) {
        guard hardwareAccelerated else { return compressInSwift(&state, blocks: blocks, count: count) }
        var words = state.words
        withUnsafeMutableBytes(of: &words) { raw in
            memberledger_sha256_compress_hardware(
                raw.baseAddress!.assumingMemoryBound(to: UInt32.self), blocks.assumingMemoryBound(to: UInt8.self),
                count)
        }
        state = ChainingValue(words: words)
    }

    /// `compress` in Swift: the reference, and the path on CPUs without SHA instructions.
    static func compressInSwift(_ state: inout ChainingValue, blocks: UnsafeRawPointer, count: Int) {
        // One stack-allocated schedule serves every block, so bulk hashing performs no per-block allocation.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: scheduleWordCount) { schedule in
            roundConstants.withUnsafeBufferPointer { constants in
                let words = schedule.baseAddress!
                var block = blocks
                for _ in 0..<count {
                    for index in 0..<16 {
                        let word = block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)
                        words[index] = UInt32(bigEndian: word)
                    }
                    compress(&state, schedule: words, constants: constants.baseAddress!)
                    block += blockByteCount
                }
            }
        }
    }

    /// Compresses one block whose 16 message words are already in `schedule[0..<16]` as native integers.
    ///
    /// Only `schedule[16..<64]` is overwritten, so a caller hashing many same-shaped blocks (PBKDF2) can leave the
    /// constant padding words in place and rewrite just the words that change.
    @inline(__always)
    static func compress(
        _ state: inout ChainingValue,
        schedule w: UnsafeMutablePointer<UInt32>,
        constants k: UnsafePointer<UInt32>
    ) {
        for t in 16..<scheduleWordCount {
            let w15 = w[t &- 15]
            let w2 = w[t &- 2]
            let sigma0 = rotateRight(w15, 7) ^ rotateRight(w15, 18) ^ (w15 &>> 3)
            let sigma1 = rotateRight(w2, 17) ^ rotateRight(w2, 19) ^ (w2 &>> 10)
            w[t] = w[t &- 16] &+ sigma0 &+ w[t &- 7] &+ sigma1
        }

        var a = state.h0
        var b = state.h1
        var c = state.h2
        var d = state.h3
        var e = state.h4
        var f = state.h5
        var g = state.h6
        var h = state.h7

        // Unrolled by eight with the argument roles rotated, so the eight variables never need shuffling: after
        // eight rounds every variable is back in its original role.
        var t = 0
        while t < scheduleWordCount {
            round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
            round(h, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
            round(g, h, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
            round(f, g, h, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
            round(e, f, g, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
            round(d, e, f, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
            round(c, d, e, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6])
            round(b, c, d, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7])
            t &+= 8
        }

        state.h0 &+= a
        state.h1 &+= b
        state.h2 &+= c
        state.h3 &+= d
        state.h4 &+= e
        state.h5 &+= f
        state.h6 &+= g
        state.h7 &+= h
    }

    /// One FIPS 180-4 §6.2.2 step-3 round, written in place: the new `e` lands in `d` and the new `a` in `h`.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
        _ constantPlusWord: UInt32
    ) {
        let bigSigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
        let choose = g ^ (e & (f ^ g))
        let temp1 = h &+ bigSigma1 &+ choose &+ constantPlusWord
        let bigSigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
        let majority = (a & b) | (c & (a | b))
        d &+= temp1
        h = temp1 &+ bigSigma0 &+ majority
    }

    /// ROTR from FIPS 180-4 §3.2; the masking shifts let the optimiser emit a single rotate instruction.
    @inline(__always)
    private static func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value &>> count) | (value &<< (32 &- count))
    }
}

extension SHA256.ChainingValue {
    /// H0..H7 as a tuple, which has C's array layout: how they cross into the C target.
    typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    var words: Words { (h0, h1, h2, h3, h4, h5, h6, h7) }

    init(words: Words) {
        self.init(
            h0: words.0, h1: words.1, h2: words.2, h3: words.3, h4: words.4, h5: words.5, h6: words.6, h7: words.7)
    }
}
