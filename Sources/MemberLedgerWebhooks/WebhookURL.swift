import MemberLedgerCore

/// AccessAlly's Webhook Generator: the URL a CRM calls for a command, with its required parameters.
public enum WebhookURL {
    /// `BASE/?aal_COMMAND=HANDSHAKE&param=value…`; parameters not given are written as `NAME`
    /// placeholders in capitals (e.g. `teamId=TEAM_ID`) for the admin to fill in.
    public static func make(
        _ operation: WebhookOperation, base: String, handshake: String, parameters: [String: String] = [:]
    ) -> String {
        var url = base.hasSuffix("/") ? base : base + "/"
        url += "?\(operation.rawValue)=\(handshake)"
        for name in operation.requiredParameters {
            url += "&\(name)=\(parameters[name] ?? placeholder(name))"
        }
        return url
    }

    /// `teamId` → `TEAM_ID`.
    static func placeholder(_ name: String) -> String {
        var text = ""
        for character in name {
            if character.isUppercase { text += "_" }
            text += character.uppercased()
        }
        return text
    }
}
