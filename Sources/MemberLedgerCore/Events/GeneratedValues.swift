/// Values made when an event is recorded, from the system's CSPRNG, and stored with it so that replay
/// never needs a random source: a password hash (never the password) and random bytes from which the
/// reducer derives coupon codes.
public struct GeneratedValues: Sendable, Hashable {
    /// Django-format PBKDF2 hash of a newly generated password, for a genpass that may create a member.
    public var passwordHash: String?
    /// Random bytes (16 are recorded) for coupon codes this event may issue.
    public var entropy: [UInt8]

    /// Creates generated values.
    public init(passwordHash: String? = nil, entropy: [UInt8] = []) {
        self.passwordHash = passwordHash
        self.entropy = entropy
    }

    /// Nothing generated.
    public static let none = GeneratedValues()
}
