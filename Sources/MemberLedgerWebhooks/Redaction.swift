import MemberLedgerCore

/// Removing secrets from a body before it is kept: the value of any form pair or JSON member whose name
/// mentions a password becomes `REDACTED`. Bodies that need no redaction are kept byte for byte.
enum Redaction {
    static func body(_ bytes: [UInt8], contentType: String?) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if let value = try? JSONParser.parse(bytes) {
            let (cleaned, changed) = redact(value)
            return changed ? JSONWriter.string(cleaned) : text
        }
        var changed = false
        let pieces = text.split(separator: "&", omittingEmptySubsequences: false).map { piece -> String in
            guard let equals = piece.firstIndex(of: "="),
                let name = FormBody.decode(Array(piece[..<equals].utf8)), SecretField.isSecret(name)
            else { return String(piece) }
            changed = true
            return String(piece[...equals]) + WebhookDecoder.redacted
        }
        return changed ? pieces.joined(separator: "&") : text
    }

    private static func redact(_ value: JSONValue) -> (JSONValue, Bool) {
        switch value {
        case .object(let members):
            var changed = false
            let cleaned = members.map { name, member -> (key: String, value: JSONValue) in
                if SecretField.isSecret(name), !member.isNull, member.stringValue?.isEmpty != true {
                    changed = true
                    return (name, .string(WebhookDecoder.redacted))
                }
                let (inner, innerChanged) = redact(member)
                changed = changed || innerChanged
                return (name, inner)
            }
            return (.object(cleaned), changed)
        case .array(let items):
            var changed = false
            let cleaned = items.map { item -> JSONValue in
                let (inner, innerChanged) = redact(item)
                changed = changed || innerChanged
                return inner
            }
            return (.array(cleaned), changed)
        default:
            return (value, false)
        }
    }
}
