/// A password hash in Django's `pbkdf2_sha256$ITERATIONS$SALT$HASH` format, readable and writable by both sides.
///
/// `HASH` is the standard padded Base64 of the 32-byte PBKDF2-HMAC-SHA256 of the password's UTF-8 bytes with the
/// salt's UTF-8 bytes, exactly as Django's `PBKDF2PasswordHasher.encode` produces it, so hashes created here verify
/// in Django and vice versa. Only the plaintext password is secret; the encoded form is safe to log and display.
/// `==` compares stored hashes (it is not a password check); use `verify(_:)` to test a candidate password.
public struct DjangoPasswordHash: Sendable, Equatable, CustomStringConvertible {
    /// The iteration count new hashes should use: OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    ///
    /// A floor for new hashes, not a cap: the server may choose more, and hashes stored with any positive count
    /// still parse and verify.
    public static let defaultIterations = 600_000

    /// The PBKDF2 iteration count the hash was computed with; always at least 1.
    public let iterations: Int

    /// The salt exactly as stored between the `$` separators; never empty and never containing `$`.
    public let salt: String

    /// The 32-byte PBKDF2-HMAC-SHA256 output.
    public let hash: [UInt8]

    /// Hashes `password` with `salt` and `iterations` the way Django's PBKDF2PasswordHasher does.
    ///
    /// Like Django, requires a non-empty salt without `$` (it would corrupt the format) and a positive iteration
    /// count; violating either is a programming error and traps.
    public init(password: String, salt: String, iterations: Int) {
        precondition(!salt.isEmpty && !salt.contains("$"), "salt must be non-empty and cannot contain $")
        precondition(iterations >= 1, "iterations must be positive")
        self.iterations = iterations
        self.salt = salt
        self.hash = Self.derive(password: password, salt: salt, iterations: iterations)
    }

    /// Parses a stored `pbkdf2_sha256$ITERATIONS$SALT$HASH` string, or returns `nil` if it is not one.
    ///
    /// Rejects any other algorithm name, a wrong number of fields, an iteration count that is not a positive decimal
    /// integer in canonical form (so `encoded` reproduces the input exactly), an empty salt, and a hash that is not
    /// canonical Base64 of exactly 32 bytes.
    public init?(encoded: String) {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == Self.algorithm else { return nil }
        guard let iterations = Self.parseIterations(fields[1]) else { return nil }
        guard !fields[2].isEmpty else { return nil }
        guard let hash = Base64.decode(String(fields[3])), hash.count == SHA256.digestByteCount else { return nil }
        self.iterations = iterations
        self.salt = String(fields[2])
        self.hash = hash
    }

    /// The Django-format string to store, e.g. `pbkdf2_sha256$600000$<salt>$<base64>`.
    public var encoded: String {
        "\(Self.algorithm)$\(iterations)$\(salt)$\(Base64.encode(hash))"
    }

    /// The encoded form; printing it is safe because it contains no plaintext.
    public var description: String { encoded }

    /// Returns whether `password` produces this hash, comparing in constant time so timing reveals nothing about
    /// how close a wrong guess came.
    public func verify(_ password: String) -> Bool {
        let candidate = Self.derive(password: password, salt: salt, iterations: iterations)
        return ConstantTime.equals(candidate, hash)
    }

    /// Returns a fresh 22-character salt drawn uniformly from `[a-zA-Z0-9]`, as Django's `get_random_string` does.
    ///
    /// 22 characters of a 62-symbol alphabet carry just over 128 bits, Django's salt-entropy requirement. Pass
    /// `SystemRandomNumberGenerator` in production; a seeded generator only in tests.
    public static func makeSalt(using generator: inout some RandomNumberGenerator) -> String {
        var salt = ""
        salt.reserveCapacity(saltLength)
        for _ in 0..<saltLength {
            // Int.random(in:using:) rejects out-of-range draws instead of reducing modulo 62, so no symbol is
            // favoured.
            salt.append(saltAlphabet[Int.random(in: saltAlphabet.indices, using: &generator)])
        }
        return salt
    }

    private static let algorithm = "pbkdf2_sha256"

    private static let saltLength = 22

    /// Django's RANDOM_STRING_CHARS.
    private static let saltAlphabet: [Character] = Array(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    )

    private static func derive(password: String, salt: String, iterations: Int) -> [UInt8] {
        PBKDF2.sha256(
            password: password.utf8,
            salt: salt.utf8,
            iterations: iterations,
            keyLength: SHA256.digestByteCount
        )
    }

    /// Accepts only ASCII digits without a leading zero, so the count re-encodes to the same text.
    private static func parseIterations(_ text: Substring) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0") else { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }
}
