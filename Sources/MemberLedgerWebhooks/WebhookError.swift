import MemberLedgerCore

/// Why a request is not a webhook we can record. Each case says what to fix; none ever contains the
/// handshake.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `aal_*` key in the query string.
    case noCommand
    /// An `aal_*` key that is not one of the fourteen commands.
    case unknownCommand(String)
    /// More than one `aal_*` key.
    case severalCommands([String])
    /// The handshake is missing or wrong (answered 401, never journaled).
    case unauthorized
    /// The form body or query has bad %-encoding or non-UTF-8 bytes.
    case malformedForm(String)
    /// The JSON body does not parse.
    case malformedJSON(JSONErrorDescription)
    /// A JSON body of a shape no dialect knows.
    case unrecognizedJSON(String)
    /// A content type we do not read.
    case unsupportedContentType(String)
    /// No contact id anywhere in the request.
    case missingContactID
    /// A CRM merge field arrived unsubstituted, e.g. `contactId=[Contact ID]`.
    case unsubstitutedMergeField(name: String, value: String)
    /// The handshake appears in the body; it belongs only in the URL, and a body is kept with the event.
    case handshakeInBody
    /// The handshake appears, once decoded, in the request's data (a contact's field, tag or profile value,
    /// or a parameter); the data is kept with the event, and the handshake belongs only in `aal_*`.
    case handshakeInData
    /// A parameter given twice with different values (query and body disagree).
    case conflictingParameter(name: String)

    public var description: String {
        switch self {
        case .noCommand:
            "no command: the URL needs exactly one aal_* key, e.g. /?aal_updateuser=HANDSHAKE"
        case .unknownCommand(let name):
            "unknown command \(name); the commands are \(WebhookOperation.allCases.map(\.rawValue).joined(separator: ", "))"
        case .severalCommands(let names):
            "several commands in one URL (\(names.joined(separator: ", "))); send exactly one aal_* key"
        case .unauthorized:
            "the handshake is missing or wrong"
        case .malformedForm(let why):
            "form body: \(why)"
        case .malformedJSON(let error):
            "JSON body: \(error.text)"
        case .unrecognizedJSON(let why):
            "JSON body: \(why)"
        case .unsupportedContentType(let type):
            "content type \(type) is not read; send application/x-www-form-urlencoded or application/json"
        case .missingContactID:
            "no contact id: send contactId (Keap, Ontraport), contact[id] (ActiveCampaign) or a subscriber id (Kit, Drip)"
        case .unsubstitutedMergeField(let name, let value):
            "\(name) is \"\(value)\", a merge field the CRM did not fill in; check the webhook's post data in the CRM"
        case .handshakeInBody:
            "the handshake appears in the request body; it belongs only in the URL (the body is kept in the journal)"
        case .handshakeInData:
            "the handshake appears in the request's data (a field, tag or parameter); it belongs only in the aal_ "
                + "parameter (the data is kept in the journal)"
        case .conflictingParameter(let name):
            "parameter \(name) is given twice with different values"
        }
    }
}

extension WebhookError {
    /// The same error with every occurrence of `secret` in the text it quotes replaced by `REDACTED`.
    func redacting(_ secret: String) -> WebhookError {
        guard secret.utf8.count >= 8 else { return self }
        func clean(_ text: String) -> String { text.replacingOccurrences(of: secret, with: WebhookDecoder.redacted) }
        switch self {
        case .noCommand, .unauthorized, .missingContactID, .handshakeInBody, .handshakeInData: return self
        case .unknownCommand(let name): return .unknownCommand(clean(name))
        case .severalCommands(let names): return .severalCommands(names.map(clean))
        case .malformedForm(let why): return .malformedForm(clean(why))
        case .malformedJSON(let error): return .malformedJSON(JSONErrorDescription(text: clean(error.text)))
        case .unrecognizedJSON(let why): return .unrecognizedJSON(clean(why))
        case .unsupportedContentType(let type): return .unsupportedContentType(clean(type))
        case .unsubstitutedMergeField(let name, let value):
            return .unsubstitutedMergeField(name: clean(name), value: clean(value))
        case .conflictingParameter(let name): return .conflictingParameter(name: clean(name))
        }
    }
}

/// A JSON parse error as text (JSONError's description), so `WebhookError` stays `Equatable` and simple.
public struct JSONErrorDescription: Sendable, Equatable {
    /// The parser's message, naming the byte offset.
    public var text: String
}
