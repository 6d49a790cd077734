import MemberLedgerCore
import Testing

@Suite("Base64 and hex encoding")
struct EncodingTests {
    // RFC 4648 §10 test vectors.
    @Test(
        "Base64 RFC 4648 vectors",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ]
    )
    func base64Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(plain.utf8) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("Base64 uses the standard alphabet including + and /")
    func base64StandardAlphabet() {
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
        #expect(Base64.decode("+/+/") == [0xFB, 0xFF, 0xBF])
    }

    @Test("Base64 round-trips every length and byte value")
    func base64RoundTrip() {
        for length in 0...70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes, "length \(length)")
            #expect(Base64.encode(bytes.lazy.map { $0 }) == Base64.encode(bytes))
        }
        let allBytes = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(allBytes)) == allBytes)
    }

    @Test(
        "Base64 rejects non-canonical or invalid text",
        arguments: [
            "Zg", "Zg=", "Zm9", "Z", "Zg==Zg==", "Zm=v", "=Zm9", "Z===", "====", "Zm9v\n", " Zm9v", "Zm9v YmFy",
            "Zm9-", "Zm9_", "Zh==", "Zm9=", "Zm8*", "Zg==\u{0}",
        ]
    )
    func base64RejectsInvalid(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    // RFC 4648 §10 test vectors, base16, lowercased because this encoder always emits lowercase.
    @Test(
        "Hex RFC 4648 vectors",
        arguments: [
            ("", ""), ("f", "66"), ("fo", "666f"), ("foo", "666f6f"),
            ("foob", "666f6f62"), ("fooba", "666f6f6261"), ("foobar", "666f6f626172"),
        ]
    )
    func hexVectors(plain: String, encoded: String) {
        #expect(Hex.encode(plain.utf8) == encoded)
        #expect(Hex.decode(encoded) == Array(plain.utf8))
        #expect(Hex.decode(encoded.uppercased()) == Array(plain.utf8))
    }

    @Test("Hex round-trips all byte values and accepts mixed case")
    func hexRoundTrip() {
        let allBytes = (0...255).map { UInt8($0) }
        let encoded = Hex.encode(allBytes)
        #expect(encoded.count == 512)
        #expect(encoded == encoded.lowercased())
        #expect(Hex.decode(encoded) == allBytes)
        #expect(Hex.decode("DeadBEEF") == [0xDE, 0xAD, 0xBE, 0xEF])
    }

    @Test(
        "Hex rejects odd length and non-hex characters",
        arguments: ["0", "abc", "0g", "zz", "0x00", "00 ", " 00", "-1"])
    func hexRejectsInvalid(text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test(
        "Constant-time equality agrees with ==",
        arguments: [
            ([UInt8](), [UInt8](), true),
            ([1, 2, 3], [1, 2, 3], true),
            ([1, 2, 3], [1, 2, 4], false),
            ([1, 2, 3], [0, 2, 3], false),
            ([1, 2, 3], [1, 2], false),
            ([1, 2], [1, 2, 0], false),
            ([], [0], false),
        ]
    )
    func constantTimeEquals(a: [UInt8], b: [UInt8], expected: Bool) {
        #expect(ConstantTime.equals(a, b) == expected)
        #expect(ConstantTime.equals(b, a) == expected)
    }

    @Test("Constant-time equality on strings compares UTF-8 bytes")
    func constantTimeStrings() {
        #expect(ConstantTime.equals("lètmein", "lètmein"))
        #expect(!ConstantTime.equals("lètmein", "lètmeinz"))
        #expect(!ConstantTime.equals("", "a"))
        // Precomposed é versus e + combining acute: equal as Swift Strings, different as bytes.
        #expect(!ConstantTime.equals("\u{E9}", "e\u{301}"))
    }
}
