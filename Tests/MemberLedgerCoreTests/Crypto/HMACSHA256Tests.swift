import MemberLedgerCore
import Testing

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    // RFC 4231 §4 test cases (key hex, data hex, HMAC-SHA-256 hex); re-checked with Python's hmac module.
    // Case 5 is omitted: it only checks truncation to 128 bits, which this API does not offer.
    @Test(
        "RFC 4231 test cases",
        arguments: [
            (
                1, String(repeating: "0b", count: 20), "4869205468657265",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            ),
            (
                2, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            ),
            (
                3, String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
            ),
            (
                4, "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
            ),
            (
                6, String(repeating: "aa", count: 131),
                "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579"
                    + "204669727374",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
            (
                7, String(repeating: "aa", count: 131),
                "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b65"
                    + "7920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e65"
                    + "65647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320"
                    + "616c676f726974686d2e",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            ),
        ]
    )
    func rfc4231(testCase: Int, keyHex: String, dataHex: String, expectedHex: String) throws {
        let key = try #require(Hex.decode(keyHex))
        let data = try #require(Hex.decode(dataHex))
        let tag = HMACSHA256.authenticationCode(key: key, message: data)
        #expect(Hex.encode(tag) == expectedHex, "RFC 4231 case \(testCase)")
    }

    @Test("A key exactly one block long is used as-is, one byte longer is hashed first")
    func blockSizedKeys() {
        let message = Array("message".utf8)
        let blockKey = [UInt8](repeating: 0x42, count: 64)
        let longKey = [UInt8](repeating: 0x42, count: 65)
        // RFC 2104 §2: a key longer than the block is replaced by its hash, so these two keys must agree.
        #expect(
            HMACSHA256.authenticationCode(key: longKey, message: message)
                == HMACSHA256.authenticationCode(key: SHA256.hash(longKey), message: message)
        )
        #expect(
            HMACSHA256.authenticationCode(key: blockKey, message: message)
                != HMACSHA256.authenticationCode(key: longKey, message: message)
        )
    }
}
