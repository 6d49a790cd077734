/// Fingerprints identify a delivery so that a repeat within the dedup window is recognised.
///
/// A sender's idempotency key (an `Idempotency-Key` header, a Kit event id) is the best identity; without
/// one, the normalized command is: the same command for the same contact with the same data and
/// parameters is the same delivery. Both are SHA-256 over canonical bytes, lowercase hex, with a prefix
/// saying which kind it is.
public enum Fingerprint {
    /// The fingerprint of a sender's idempotency key.
    public static func of(idempotencyKey key: String) -> String {
        var encoder = CanonicalEncoder()
        encoder.append("idempotency-key")
        encoder.append(key)
        return "key:" + Hex.encode(SHA256.hash(encoder.bytes))
    }

    /// The fingerprint of a normalized webhook command.
    public static func of(command: WebhookCommand) -> String {
        var encoder = CanonicalEncoder()
        encoder.append("webhook-command")
        encoder.append(command.operation.rawValue)
        encoder.append(list: command.contacts) { encoder, contact in
            encoder.append(contact.contactID)
            encoder.append(contact.email)
            encoder.append(contact.firstName)
            encoder.append(contact.lastName)
            encoder.append(contact.tags != nil)
            if let tags = contact.tags { encoder.append(list: tags) { $0.append($1) } }
            encoder.append(sortedPairs: contact.fields)
        }
        encoder.append(sortedPairs: command.parameters)
        return "cmd:" + Hex.encode(SHA256.hash(encoder.bytes))
    }
}
