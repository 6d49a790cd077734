/// Generates random passwords that are easy to read aloud and retype.
///
/// Enforces the product rule that passwords have at least 16 characters. Characters are drawn uniformly from an
/// alphabet of exactly 64 symbols, so each carries 6 bits and the default 20 characters carry 120 bits.
public enum PasswordGenerator {
    /// The symbols passwords are drawn from: letters and digits without look-alikes plus a few safe punctuation marks.
    ///
    /// Excludes `0 O o 1 l I i`, which are confused with each other in many fonts, and quotes, backslash, backtick
    /// and space, which break when a password is pasted into shells, config files or forms.
    public static let alphabet: [Character] = Array(
        "abcdefghjkmnpqrstuvwxyz" + "ABCDEFGHJKLMNPQRSTUVWXYZ" + "23456789" + "-_.!@#%+="
    )

    /// The shortest password `generate` will produce (the product rule: passwords have 16 or more characters).
    public static let minimumLength = 16

    /// Returns a password of `length` characters drawn uniformly and independently from `alphabet`.
    ///
    /// Requires `length` ≥ 16 and traps otherwise. Pass `SystemRandomNumberGenerator` (the system CSPRNG) in
    /// production; seeded generators are for tests only.
    public static func generate(length: Int = 20, using generator: inout some RandomNumberGenerator) -> String {
        precondition(length >= minimumLength, "passwords must have at least \(minimumLength) characters")
        var password = ""
        password.reserveCapacity(length)
        for _ in 0..<length {
            // Int.random(in:using:) rejects out-of-range draws rather than reducing modulo the alphabet size, so
            // selection stays unbiased even if the alphabet stops being a power of two.
            password.append(alphabet[Int.random(in: alphabet.indices, using: &generator)])
        }
        return password
    }
}
