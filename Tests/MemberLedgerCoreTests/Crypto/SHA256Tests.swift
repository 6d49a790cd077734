import MemberLedgerCore
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    // FIPS 180-2 Appendix B and NIST "Cryptographic Algorithm Examples" messages; digests re-checked with
    // Python's hashlib.sha256.
    @Test(
        "Known-answer vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                    + "mnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
    )
    func knownAnswer(message: String, expectedHex: String) {
        #expect(Hex.encode(SHA256.hash(message.utf8)) == expectedHex)

        var hasher = SHA256()
        hasher.update(message)
        #expect(Hex.encode(hasher.finalize()) == expectedHex)
    }

    @Test("One million repetitions of \"a\"")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(
            Hex.encode(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }

    // Messages of bytes 0, 1, 2, … around the padding edge cases: 55 bytes is the longest that pads within one
    // block, 56 forces an extra padding block, 63/64/65 straddle the block boundary. Digests from hashlib.
    @Test(
        "Block-boundary lengths",
        arguments: [
            (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
            (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
            (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
            (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
            (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
            (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
            (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
            (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
            (200, "1901da1c9f699b48f6b2636e65cbf73abf99d0441ef67f5c540a42f7051dec6f"),
        ]
    )
    func blockBoundaries(length: Int, expectedHex: String) {
        #expect(Hex.encode(SHA256.hash(countingBytes(length))) == expectedHex)
    }

    @Test("Incremental updates in odd-sized chunks match one-shot hashing for lengths 0...200")
    func incrementalMatchesOneShot() {
        let chunkSizes = [1, 3, 5, 7, 11, 13, 63, 65]
        for length in 0...200 {
            let message = countingBytes(length)
            let expected = SHA256.hash(message)
            for (variant, firstChunk) in chunkSizes.enumerated() {
                var hasher = SHA256()
                var offset = 0
                var chunkIndex = variant
                var chunk = firstChunk
                while offset < length {
                    let end = min(offset + chunk, length)
                    hasher.update(message[offset..<end])
                    offset = end
                    chunkIndex += 1
                    chunk = chunkSizes[chunkIndex % chunkSizes.count]
                }
                #expect(hasher.finalize() == expected, "length \(length), first chunk \(firstChunk)")
            }
        }
    }

    @Test("Raw-buffer, non-contiguous and String inputs agree with the array path")
    func inputFormsAgree() {
        let message = countingBytes(150)
        let expected = SHA256.hash(message)

        #expect(message.withUnsafeBytes { SHA256.hash($0) } == expected)
        // A lazy map has no contiguous storage, so this exercises the staging-buffer path.
        #expect(SHA256.hash(message.lazy.map { $0 }) == expected)
        #expect(SHA256.hash(repeatElement(UInt8(7), count: 1000)) == SHA256.hash([UInt8](repeating: 7, count: 1000)))

        let text = "Grüße, 世界 — SHA-256"
        var hasher = SHA256()
        hasher.update(text)
        #expect(hasher.finalize() == SHA256.hash(Array(text.utf8)))
    }

    @Test("Digest is always 32 bytes")
    func digestLength() {
        #expect(SHA256.hash([UInt8]()).count == SHA256.digestByteCount)
        #expect(SHA256.digestByteCount == 32)
    }

    /// Bytes 0, 1, 2, … wrapping at 256; the same pattern the hashlib reference digests were computed over.
    private func countingBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0) }
    }
}
