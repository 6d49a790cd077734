import MemberLedgerCore

extension JSONValue {
    /// An id as a request body carries it: a JSON number when it is a plain integer (Keap's tag and field
    /// ids, Ontraport's contact ids and Kit's tag ids are numbers in their APIs), else a string.
    static func id(_ text: String) -> JSONValue {
        JSONValue.number(text).int64Value != nil ? .number(text) : .string(text)
    }
}
