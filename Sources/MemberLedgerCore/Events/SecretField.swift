/// Field names that must never be stored: a CRM may echo the password field back (Kit's
/// `accessally_password`), an import file may carry a password column, and plaintext passwords never
/// reach the journal. Such fields are dropped from contacts and redacted in kept requests.
public enum SecretField {
    /// Whether a field name names a secret.
    ///
    /// Any spelling counts: case is ignored as Unicode lowercasing does (so a Kelvin sign reads as `k`).
    /// ASCII names, nearly all of them, take a byte search without lowering a copy first.
    public static func isSecret(_ name: String) -> Bool {
        let ascii = ByteSearch.isASCII(name.utf8)
        let lowered = ascii ? name : name.lowercased()
        return secretWords.contains { ByteSearch.containsIgnoringASCIICase(lowered.utf8, $0.utf8) }
    }

    private static let secretWords = ["password", "passwd", "handshake"]
}

extension ContactData {
    /// The contact without any secret fields.
    public var withoutSecretFields: ContactData {
        var copy = self
        copy.fields = fields.filter { !SecretField.isSecret($0.key) }
        return copy
    }
}

extension EventPayload {
    /// The payload with secret fields dropped from any contact it carries.
    public var withoutSecretFields: EventPayload {
        switch self {
        case .memberImported(var imported):
            imported.contact = imported.contact.withoutSecretFields
            return .memberImported(imported)
        case .webhookReceived(var webhook):
            webhook.command.contacts = webhook.command.contacts.map(\.withoutSecretFields)
            return .webhookReceived(webhook)
        default:
            return self
        }
    }
}
