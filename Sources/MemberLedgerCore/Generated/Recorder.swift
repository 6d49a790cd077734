/// Makes what must be generated when a webhook is recorded, before the journal stores it: a fresh
/// password (returned in plaintext for the one answer that delivers it) with its Django PBKDF2 hash,
/// random bytes for coupon codes, and the delivery's fingerprint.
///
/// The randomness comes from the generator passed in: the system CSPRNG (`SystemRandomNumberGenerator`)
/// in the server, a seeded one in tests. The reducer never generates anything.
public enum Recorder {
    /// How many random bytes a coupon-capable event records.
    public static let entropyByteCount = 16

    /// What was generated for one command.
    public struct Generated: Sendable {
        /// The values stored in the event.
        public var values: GeneratedValues
        /// The password in plaintext, only when one was made; never stored, only answered.
        public var password: String?
    }

    /// Generates for a command. `newMember` says whether the contact is not a member yet (only then does
    /// a genpass need a password); `iterations` is the PBKDF2 work factor.
    public static func generate(
        for command: WebhookCommand, newMember: Bool, iterations: Int = DjangoPasswordHash.defaultIterations,
        using generator: inout some RandomNumberGenerator
    ) -> Generated {
        var generated = Generated(values: .none, password: nil)
        if command.operation == .genpass && newMember {
            let (password, hash) = newPassword(iterations: iterations, using: &generator)
            generated.values.passwordHash = hash
            generated.password = password
        }
        if mayIssueCoupons(command.operation) {
            generated.values.entropy = (0..<entropyByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return generated
    }

    /// A fresh password and its Django PBKDF2 hash (a genpass's, or an admin's `password reset`).
    public static func newPassword(
        iterations: Int = DjangoPasswordHash.defaultIterations, using generator: inout some RandomNumberGenerator
    ) -> (password: String, hash: String) {
        let password = PasswordGenerator.generate(using: &generator)
        let salt = DjangoPasswordHash.makeSalt(using: &generator)
        return (password, DjangoPasswordHash(password: password, salt: salt, iterations: iterations).encoded)
    }

    /// Commands whose rules can issue a coupon: directly, or through a custom operation or interaction.
    public static func mayIssueCoupons(_ operation: WebhookOperation) -> Bool {
        switch operation {
        case .createCoupon, .fieldOperation, .teamOperation: true
        default: false
        }
    }

    /// The fingerprint of a delivery: its idempotency key when the sender gave one, else its command.
    public static func fingerprint(of command: WebhookCommand, idempotencyKey: String? = nil) -> String {
        idempotencyKey.map(Fingerprint.of(idempotencyKey:)) ?? Fingerprint.of(command: command)
    }
}
