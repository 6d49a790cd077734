import MemberLedgerJournal
import MemberLedgerWebhooks

/// The site's shared secret, which every webhook URL carries (`/?aal_genpass=HANDSHAKE`).
///
/// It comes from `MEMBERLEDGER_HANDSHAKE` when set, else from `DIR/handshake`, which the first start
/// creates (0600) with 32 characters from the system CSPRNG. It is never logged or stored elsewhere.
/// Wherever it comes from, it must meet one rule (`check`): ASCII letters and digits only, at least 16.
public enum Handshake {
    /// Where the handshake is kept and its rule.
    public static let secret = FolderSecret(
        fileName: "handshake", environmentVariable: "MEMBERLEDGER_HANDSHAKE",
        minimumLength: WebhookDecoder.minimumHandshakeLength)

    /// The environment variable that, when set and not empty, holds the handshake.
    public static var environmentVariable: String { secret.environmentVariable }

    /// The handshake for a data folder, creating its file when neither the environment nor the file has one.
    ///
    /// - Throws: `SecretError` when the handshake found breaks the rule (see `check`); the file
    ///   system's error when the file cannot be read or made.
    public static func load(folder: DataFolder, environment: [String: String]) throws -> String {
        try secret.load(folder: folder, environment: environment)
    }

    /// The rule for every handshake, wherever it comes from (`FolderSecret.check`).
    public static func check(_ handshake: String, from source: SecretError.Source) throws(SecretError) {
        try secret.check(handshake, from: source)
    }
}
