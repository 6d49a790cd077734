import MemberLedgerCore

/// Removing secrets from a body before it is kept: the value of any form pair or JSON member whose name
/// mentions a password, or whose value holds the handshake (%-decoded or not), becomes `REDACTED`.
/// Bodies that need no redaction are kept byte for byte.
enum Redaction {
    /// The body to keep, read as the decoder read it: `json` is the parsed body when the decoder read it
    /// as JSON; otherwise it is a form (one that happens to parse as JSON, say a quoted string, is still
    /// redacted pair by pair).
    static func body(
        _ bytes: [UInt8], json: JSONValue?, secret: String? = nil, names: SecretNames = SecretNames()
    ) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if let json {
            let (cleaned, changed) = redact(json, secret: secret, names: names)
            return changed ? JSONWriter.string(cleaned) : text
        }
        if names.fields.isEmpty && cannotHoldSecrets(formBody: bytes, secret: secret) { return text }
        return formPairByPair(text, secret: secret, names: names)
    }

    /// A form body with each pair checked on its own: the value of a pair whose %-decoded name is secret,
    /// or whose value holds `secret`, becomes `REDACTED`; the body is returned as it came when none does.
    /// (`body` skips this for bodies that cannot hold a secret; the tests compare the two.)
    static func formPairByPair(_ text: String, secret: String?, names: SecretNames = SecretNames()) -> String {
        var changed = false
        let pieces = text.split(separator: "&", omittingEmptySubsequences: false).map { piece -> String in
            guard let equals = piece.firstIndex(of: "="),
                FormBody.decode(Array(piece[..<equals].utf8)).map(names.isSecret) == true
                    || holds(secret, Array(piece[piece.index(after: equals)...].utf8))
            else { return String(piece) }
            changed = true
            return String(piece[...equals]) + WebhookDecoder.redacted
        }
        return changed ? pieces.joined(separator: "&") : text
    }

    /// Whether a form body is sure to need no redaction, checked in one pass: ASCII throughout, and with
    /// all of it %-decoded, no secret word and no `secret` anywhere. Every name and value decodes to a
    /// piece of that text, so nothing the pair-by-pair pass would redact can hide from this. Anything
    /// else (non-ASCII, a broken escape) is left to that pass.
    private static func cannotHoldSecrets(formBody bytes: [UInt8], secret: String?) -> Bool {
        guard ByteSearch.isASCII(bytes), let decoded = FormBody.decodeBytes(bytes), ByteSearch.isASCII(decoded)
        else { return false }
        if let secret, secret.utf8.count >= 8 {
            guard ByteSearch.isASCII(secret.utf8), !ByteSearch.contains(decoded, secret.utf8) else { return false }
        }
        return !SecretField.isSecret(String(decoding: decoded, as: UTF8.self))
    }

    /// Whether a form value, %-decoded (or raw, when it does not decode), holds `secret`.
    static func holds(_ secret: String?, _ encoded: [UInt8]) -> Bool {
        guard let secret, secret.utf8.count >= 8 else { return false }
        let decoded = FormBody.decode(encoded) ?? String(decoding: encoded, as: UTF8.self)
        return decoded.mentions(secret)
    }

    private static func redact(_ value: JSONValue, secret: String?, names: SecretNames) -> (JSONValue, Bool) {
        switch value {
        case .string(let text) where secret.map { $0.utf8.count >= 8 && text.mentions($0) } == true:
            return (.string(WebhookDecoder.redacted), true)
        case .object(let members):
            var changed = false
            let cleaned = members.map { name, member -> (key: String, value: JSONValue) in
                if names.isSecret(name), !member.isNull, member.stringValue?.isEmpty != true {
                    changed = true
                    return (name, .string(WebhookDecoder.redacted))
                }
                let (inner, innerChanged) = redact(member, secret: secret, names: names)
                changed = changed || innerChanged
                return (name, inner)
            }
            return (.object(cleaned), changed)
        case .array(let items):
            var changed = false
            let cleaned = items.map { item -> JSONValue in
                let (inner, innerChanged) = redact(item, secret: secret, names: names)
                changed = changed || innerChanged
                return inner
            }
            return (.array(cleaned), changed)
        default:
            return (value, false)
        }
    }
}

/// The names whose values are secrets: any name mentioning a password (`SecretField`), plus the site's
/// own secret fields, such as the CRM field that receives new members' passwords, which a CRM echoes in
/// later webhooks (`contact[fields][7]` in a form names field `7`).
public struct SecretNames: Sendable, Equatable {
    /// Field keys that are secret whatever they are called.
    public var fields: Set<String>

    /// The password-like names, plus `fields`.
    public init(fields: Set<String> = []) {
        self.fields = fields
    }

    /// Whether a name (a field key, a form pair's name, a JSON member's name) holds a secret.
    public func isSecret(_ name: String) -> Bool {
        if SecretField.isSecret(name) || fields.contains(name) { return true }
        return fields.contains { name.hasSuffix("[\($0)]") }
    }
}
