import MemberLedgerCore

/// Why a request is not a webhook we can record. Each case says what to fix, by position and kind: no
/// text taken from the request (a name, a value, a key, a fragment of the body) is ever part of it, so an
/// answer or a log line can neither carry the handshake nor reflect what a client sent. Only the
/// product's own names (commands, parameters, fields it reads) are named.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `aal_*` key in the query string.
    case noCommand
    /// An `aal_*` key that is not one of the fourteen commands, at this pair of the query (1-based).
    case unknownCommand(pair: Int)
    /// More than one `aal_*` key: the commands among them, and how many other `aal_*` keys.
    case severalCommands(known: [WebhookOperation], unknown: Int)
    /// The handshake is missing or wrong (answered 401, never journaled).
    case unauthorized
    /// The form body or query has bad %-encoding or non-UTF-8 bytes.
    case malformedForm(FormError)
    /// The JSON body does not parse; told by byte offset and kind only.
    case malformedJSON(JSONError)
    /// A JSON body of a shape no dialect knows; the text is ours (what was expected, where).
    case unrecognizedJSON(String)
    /// A content type we do not read.
    case unsupportedContentType
    /// No contact id anywhere in the request.
    case missingContactID
    /// A CRM merge field arrived unsubstituted, e.g. `contactId=[Contact ID]`: in the field or parameter
    /// `name` (one the decoder reads), or in a parameter no command takes (nil).
    case unsubstitutedMergeField(name: String?, style: MergeFieldStyle)
    /// The handshake appears in the body; it belongs only in the URL, and a body is kept with the event.
    case handshakeInBody
    /// The handshake appears, once decoded, in the request's data (a contact's field, tag or profile value,
    /// or a parameter); the data is kept with the event, and the handshake belongs only in `aal_*`.
    case handshakeInData
    /// A command parameter (one of ours, e.g. `teamId`) given twice with different values (query and
    /// body disagree).
    case conflictingParameter(name: String)

    public var description: String {
        switch self {
        case .noCommand:
            "no command: the URL needs exactly one aal_* key, e.g. /?aal_updateuser=HANDSHAKE"
        case .unknownCommand(let pair):
            "unknown command: the aal_* key of query pair \(pair) is none of "
                + WebhookOperation.allCases.map(\.rawValue).joined(separator: ", ")
        case .severalCommands(let known, let unknown):
            "several commands in one URL (\(Self.list(known, unknown: unknown))); send exactly one aal_* key"
        case .unauthorized:
            "the handshake is missing or wrong"
        case .malformedForm(let error):
            "\(error)"
        case .malformedJSON(let error):
            "JSON body: \(error.textWithoutInput)"
        case .unrecognizedJSON(let why):
            "JSON body: \(why)"
        case .unsupportedContentType:
            "the content type is not read; send application/x-www-form-urlencoded or application/json"
        case .missingContactID:
            "no contact id: send contactId (Keap, Ontraport), contact[id] (ActiveCampaign) or a subscriber id (Kit, Drip)"
        case .unsubstitutedMergeField(let name, let style):
            "\(name ?? "a parameter no command takes") holds \(style), a merge field the CRM did not fill in; "
                + "check the webhook's post data in the CRM"
        case .handshakeInBody:
            "the handshake appears in the request body; it belongs only in the URL (the body is kept in the journal)"
        case .handshakeInData:
            "the handshake appears in the request's data (a field, tag or parameter); it belongs only in the aal_ "
                + "parameter (the data is kept in the journal)"
        case .conflictingParameter(let name):
            "parameter \(name) is given twice with different values"
        }
    }

    /// `aal_genpass, aal_updateuser and 1 other aal_* key`.
    private static func list(_ known: [WebhookOperation], unknown: Int) -> String {
        var parts = known.map(\.rawValue)
        if unknown > 0 { parts.append("\(unknown) other aal_* key\(unknown == 1 ? "" : "s")") }
        guard parts.count > 1 else { return parts.joined() }
        return parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }
}

/// What is wrong with a pair of a query or form body, by position: never the pair's text.
public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which part of the request.
    public enum Part: Sendable, Equatable {
        /// The query string.
        case query
        /// A form-encoded body.
        case body
    }

    /// What is wrong.
    public enum Problem: Sendable, Equatable {
        /// A `%` not followed by two hex digits.
        case badPercentEncoding
        /// The bytes, once decoded, are not UTF-8.
        case notUTF8
    }

    /// The query or the body.
    public var part: Part
    /// The pair, counted from 1 (`a=1&b=2`: `b` is pair 2; empty pairs, `&&`, are not counted).
    public var pair: Int
    /// Whether the name (before `=`) is at fault; else the value.
    public var inName: Bool
    /// What is wrong.
    public var problem: Problem

    /// An error at one pair.
    public init(part: Part, pair: Int, inName: Bool, problem: Problem) {
        self.part = part
        self.pair = pair
        self.inName = inName
        self.problem = problem
    }

    public var description: String {
        let place = part == .query ? "query pair \(pair)" : "form body pair \(pair)"
        let what =
            problem == .badPercentEncoding
            ? "has bad %-encoding (a % not followed by two hex digits)"
            : "is not UTF-8 once %-decoded"
        return "\(place): the \(inName ? "name" : "value") \(what)"
    }
}

/// The shapes of an unfilled CRM merge field, as `MergeField` spots them.
public enum MergeFieldStyle: Sendable, Equatable, CustomStringConvertible {
    /// `[Contact ID]` (Ontraport).
    case brackets
    /// `~Contact.Id~` (Keap).
    case tildes
    /// `{{ subscriber.id }}` (Kit, Drip).
    case braces
    /// `%CONTACTID%` (ActiveCampaign).
    case percents

    public var description: String {
        switch self {
        case .brackets: "a [ … ] placeholder (Ontraport's style)"
        case .tildes: "a ~ … ~ placeholder (Keap's style)"
        case .braces: "a {{ … }} placeholder (Kit's and Drip's style)"
        case .percents: "a % … % placeholder (ActiveCampaign's style)"
        }
    }
}

extension JSONError {
    /// The error by byte offset and kind, without the bytes it found: a duplicate key is not named and an
    /// unexpected byte is told by its class (the offset finds both).
    var textWithoutInput: String {
        switch reason {
        case .duplicateKey:
            return "invalid JSON at byte \(offset): a key appears twice in one object"
        case .unexpectedByte(let byte):
            return "invalid JSON at byte \(offset): unexpected \(Self.kind(of: byte))"
        case .unexpectedEnd, .invalidNumber, .invalidEscape, .invalidUnicodeScalar, .invalidUTF8,
            .controlCharacterInString, .tooDeep, .trailingData:
            return description
        }
    }

    private static func kind(of byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): "letter"
        case UInt8(ascii: "0")...UInt8(ascii: "9"): "digit"
        case 0..<0x20, 0x7F: "control byte"
        case 0x80...: "non-ASCII byte"
        default: "punctuation"
        }
    }
}
