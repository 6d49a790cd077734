import MemberLedgerCore

extension JSONValue {
    /// Every key, string and number as written in the document, depth first: what the decoder checks for
    /// the handshake before any of it is kept.
    var texts: [String] {
        switch self {
        case .string(let text), .number(let text): [text]
        case .object(let members): members.flatMap { [$0.key] + $0.value.texts }
        case .array(let items): items.flatMap(\.texts)
        case .null, .bool: []
        }
    }
}
