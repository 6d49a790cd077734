import Testing

@testable import MemberLedgerCore

@Suite("PBKDF2-HMAC-SHA256")
struct PBKDF2Tests {
    // Every expected value was recomputed with Python's hashlib.pbkdf2_hmac("sha256", ...). The first three are the
    // widely published RFC 6070-style SHA-256 vectors; the 64-byte one is RFC 7914 §11; the 40-byte one checks a
    // multi-block key whose last block is truncated.
    @Test(
        "Known-answer vectors",
        arguments: [
            ("password", "salt", 1, 32, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
            ("password", "salt", 2, 32, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
            ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
            (
                "passwd", "salt", 1, 64,
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                    + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
            ),
            (
                "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40,
                "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"
            ),
        ]
    )
    func knownAnswer(password: String, salt: String, iterations: Int, keyLength: Int, expectedHex: String) {
        let key = PBKDF2.sha256(password: password.utf8, salt: salt.utf8, iterations: iterations, keyLength: keyLength)
        #expect(key.count == keyLength)
        #expect(Hex.encode(key) == expectedHex)
        // Both compressions, whichever this CPU uses by default.
        for hardware in SHA256.hardwareAccelerated ? [false, true] : [false] {
            let derived = PBKDF2.sha256(
                password: password.utf8, salt: salt.utf8, iterations: iterations, keyLength: keyLength,
                hardware: hardware)
            #expect(Hex.encode(derived) == expectedHex, "hardware: \(hardware)")
        }
    }

    @Test("A shorter key is a prefix of a longer one")
    func truncationIsPrefix() {
        let long = PBKDF2.sha256(password: Array("pw".utf8), salt: Array("NaCl".utf8), iterations: 3, keyLength: 70)
        for length in [1, 16, 31, 32, 33, 64, 69] {
            let short = PBKDF2.sha256(
                password: Array("pw".utf8),
                salt: Array("NaCl".utf8),
                iterations: 3,
                keyLength: length
            )
            #expect(short == Array(long.prefix(length)), "key length \(length)")
        }
    }

    @Test("One iteration equals a single HMAC of salt || INT(1)")
    func singleIterationIsHMAC() {
        let password = Array("secret".utf8)
        let salt = Array("pepper".utf8)
        let expected = HMACSHA256.authenticationCode(key: password, message: salt + [0, 0, 0, 1])
        #expect(PBKDF2.sha256(password: password, salt: salt, iterations: 1, keyLength: 32) == expected)
    }

    @Test("Iteration count below one traps")
    func rejectsZeroIterations() async {
        await #expect(processExitsWith: .failure) {
            _ = PBKDF2.sha256(password: [1], salt: [2], iterations: 0, keyLength: 32)
        }
    }

    @Test("Key length below one traps")
    func rejectsEmptyKey() async {
        await #expect(processExitsWith: .failure) {
            _ = PBKDF2.sha256(password: [1], salt: [2], iterations: 1, keyLength: 0)
        }
    }
}
