import MemberLedgerCore
import MemberLedgerJournal

/// The secret that opens the read API and the console: `MEMBERLEDGER_ADMIN_TOKEN` when set, else
/// `DIR/admin-token` (0600, made on first start), at least 32 ASCII letters and digits.
///
/// It is not the handshake, which sits in every CRM's settings and every webhook URL: a leaked webhook URL
/// must not open the ledger's history, so a token equal to the handshake is refused at start.
public enum AdminToken {
    /// Where the admin token is kept and its rule.
    public static let secret = FolderSecret(
        fileName: "admin-token", environmentVariable: "MEMBERLEDGER_ADMIN_TOKEN", minimumLength: 32)

    /// The admin token for a data folder, creating its file when neither the environment nor the file has
    /// one.
    ///
    /// - Throws: `SecretError` when the token breaks the rule, `AdminTokenError.sameAsHandshake` when it
    ///   is the handshake; the file system's error when the file cannot be read or made.
    public static func load(folder: DataFolder, environment: [String: String], handshake: String) throws -> String {
        let token = try secret.load(folder: folder, environment: environment)
        guard !ConstantTime.equals(Array(token.utf8), Array(handshake.utf8)) else {
            throw AdminTokenError.sameAsHandshake
        }
        return token
    }
}

/// Why an admin token that meets the rule still cannot be used.
public enum AdminTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is the handshake, which every CRM holds.
    case sameAsHandshake

    public var description: String {
        switch self {
        case .sameAsHandshake:
            "the admin token must not be the handshake (every CRM holds the handshake); choose another, or unset "
                + "\(AdminToken.secret.environmentVariable) to have one made in DIR/\(AdminToken.secret.fileName)"
        }
    }
}
