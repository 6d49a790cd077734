import MemberLedgerCore
import Testing

@Suite("Django pbkdf2_sha256 password hashes")
struct DjangoPasswordHashTests {
    // Published by Django itself: test_pkbdf2 / test_low_level_pkbdf2 in the Django 1.5 auth hasher tests assert
    // make_password("lètmein", "seasalt", "pbkdf2_sha256") == this string (the default count was then 10 000).
    // Re-checked with base64.b64encode(hashlib.pbkdf2_hmac("sha256", "lètmein".encode(), b"seasalt", 10000)).
    // Current Django releases assert the same construction with a larger count (e.g. 390 000 ->
    // "8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="), which is too slow for a debug-mode unit test.
    private static let djangoVector = "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY="

    @Test("Encoding matches Django's published hash")
    func encodeMatchesDjango() {
        let hash = DjangoPasswordHash(password: "lètmein", salt: "seasalt", iterations: 10_000)
        #expect(hash.encoded == Self.djangoVector)
        #expect(hash.description == Self.djangoVector)
        #expect(hash.hash.count == 32)
    }

    @Test("Parsing Django's hash round-trips and verifies only the right password")
    func parseAndVerify() throws {
        let parsed = try #require(DjangoPasswordHash(encoded: Self.djangoVector))
        #expect(parsed.iterations == 10_000)
        #expect(parsed.salt == "seasalt")
        #expect(parsed.encoded == Self.djangoVector)
        #expect(parsed.verify("lètmein"))
        #expect(!parsed.verify("lètmeinz"))
    }

    @Test("Hashes made here parse back equal and verify")
    func roundTrip() throws {
        let original = DjangoPasswordHash(password: "correct horse", salt: "abcDEF123", iterations: 7)
        // base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"correct horse", b"abcDEF123", 7))
        #expect(original.encoded == "pbkdf2_sha256$7$abcDEF123$TBRUOZpcQpT229tp0dCeg7O5BtvjnH+7Kqlblcbc4Cs=")
        let parsed = try #require(DjangoPasswordHash(encoded: original.encoded))
        #expect(parsed == original)
        #expect(parsed.verify("correct horse"))
        #expect(!parsed.verify("correct horse "))
        #expect(!parsed.verify(""))
    }

    @Test("Empty password is hashed like Django (no special casing)")
    func emptyPassword() {
        // base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"", b"seasalt", 1))
        let hash = DjangoPasswordHash(password: "", salt: "seasalt", iterations: 1)
        #expect(hash.encoded == "pbkdf2_sha256$1$seasalt$7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU=")
        #expect(hash.verify(""))
        #expect(!hash.verify(" "))
    }

    @Test(
        "Malformed strings are rejected",
        arguments: [
            "",
            "pbkdf2_sha256",
            "pbkdf2_sha256$10000$seasalt",
            "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=$extra",
            "pbkdf2_sha1$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "PBKDF2_SHA256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw",
            "pbkdf2_sha256$0$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$-5$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$+5$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$010000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$ten$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$99999999999999999999999$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$10000$$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
            "pbkdf2_sha256$10000$seasalt$",
            "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY",
            "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArt===",
            "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=CWWF",
            "pbkdf2_sha256$10000$seasalt$CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvA*tVY=",
            "pbkdf2_sha256$10000$seasalt$ CWWFdHOWwPnki7HvkcqN9iA2T3KLW1cf2uZ5kvArtVY=",
        ]
    )
    func rejectsMalformed(encoded: String) {
        #expect(DjangoPasswordHash(encoded: encoded) == nil)
    }

    @Test("Generated salts are 22 characters of [a-zA-Z0-9] and differ")
    func saltShape() {
        var generator = SystemRandomNumberGenerator()
        let first = DjangoPasswordHash.makeSalt(using: &generator)
        let second = DjangoPasswordHash.makeSalt(using: &generator)
        for salt in [first, second] {
            #expect(salt.count == 22)
            #expect(
                salt.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
                })
        }
        #expect(first != second)
    }

    @Test("The default iteration count is OWASP's 2023 figure")
    func defaultIterations() {
        #expect(DjangoPasswordHash.defaultIterations == 600_000)
    }

    @Test("A salt containing $ traps")
    func rejectsDollarSalt() async {
        await #expect(processExitsWith: .failure) {
            _ = DjangoPasswordHash(password: "pw", salt: "sea$salt", iterations: 1)
        }
    }

    @Test("An empty salt traps")
    func rejectsEmptySalt() async {
        await #expect(processExitsWith: .failure) {
            _ = DjangoPasswordHash(password: "pw", salt: "", iterations: 1)
        }
    }
}
