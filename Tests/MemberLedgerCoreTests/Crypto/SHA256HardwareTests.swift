import MemberLedgerTesting
import Testing

@testable import MemberLedgerCore

/// The two compressions (SHA-NI through the C target, and Swift) must agree block for block: the NIST
/// vectors in SHA256Tests run through whichever this CPU uses, so these cover the other.
@Suite("SHA-256: hardware and Swift compression")
struct SHA256HardwareTests {
    /// Compresses `blocks` from the initial state with the Swift rounds.
    static func inSwift(_ blocks: [UInt8]) -> SHA256.ChainingValue {
        var state = SHA256.ChainingValue.initial
        blocks.withUnsafeBytes { SHA256.compressInSwift(&state, blocks: $0.baseAddress!, count: blocks.count / 64) }
        return state
    }

    @Test("the Swift rounds alone give the FIPS 180-4 digest of \"abc\"")
    func swiftRoundsMatchTheStandard() {
        // "abc", padded by hand: one block.
        var block = [UInt8](repeating: 0, count: 64)
        block[0...3] = [0x61, 0x62, 0x63, 0x80]
        block[63] = 24
        #expect(
            Hex.encode(Self.inSwift(block).digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
    }

    @Test(
        "SHA-NI and Swift agree on seeded random inputs of 1 to 64 blocks",
        .enabled(if: SHA256.hardwareAccelerated, "this CPU has no SHA instructions"), arguments: [1, 2, 3, 7, 64])
    func hardwareMatchesSwift(blockCount: Int) {
        var random = SplitMix64(seed: UInt64(blockCount))
        for _ in 0..<50 {
            let blocks = (0..<(64 * blockCount)).map { _ in UInt8.random(in: 0...255, using: &random) }
            var hardware = SHA256.ChainingValue.initial
            blocks.withUnsafeBytes { SHA256.compress(&hardware, blocks: $0.baseAddress!, count: blockCount) }
            #expect(hardware == Self.inSwift(blocks))
        }
    }
}
