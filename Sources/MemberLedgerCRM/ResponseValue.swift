import MemberLedgerCore

/// A value inside a CRM's 2xx answer together with where it sits (`contact.email`,
/// `tags[3].name`), so that reading what the API documents either succeeds or throws
/// `.malformedResponse` naming exactly what was missing or of the wrong kind.
///
/// Messages carry only the path and JSON kinds, never a value read from the answer, so no text a CRM
/// echoes (the key included) can reach an error through them.
struct ResponseValue {
    /// The JSON value.
    let json: JSONValue
    /// Where it sits in the answer; empty for the whole answer.
    let path: String

    /// The whole answer, which must be JSON.
    static func parse(_ body: [UInt8], what: String) throws(CRMError) -> ResponseValue {
        do {
            return ResponseValue(json: try JSONParser.parse(body), path: "")
        } catch {
            throw .malformedResponse("\(what): \(error)")
        }
    }

    /// The member `key`, which must be present and not null.
    func member(_ key: String) throws(CRMError) -> ResponseValue {
        guard case .object = json else {
            throw .malformedResponse("\(name) is \(article(json.kindName)), not an object")
        }
        guard let value = optional(key) else { throw .malformedResponse("no \(child(key).name)") }
        return value
    }

    /// The member `key`, or nil when it is absent or null (or this is not an object).
    func optional(_ key: String) -> ResponseValue? {
        guard let value = json[key], !value.isNull else { return nil }
        return ResponseValue(json: value, path: child(key).path)
    }

    /// The elements of an array.
    func elements() throws(CRMError) -> [ResponseValue] {
        guard let items = json.arrayValue else { throw wrongKind("an array") }
        return items.enumerated().map { ResponseValue(json: $1, path: "\(path)[\($0)]") }
    }

    /// The members of an object, in order.
    func members() throws(CRMError) -> [(key: String, value: ResponseValue)] {
        guard let members = json.objectValue else { throw wrongKind("an object") }
        return members.map { ($0.key, ResponseValue(json: $0.value, path: child($0.key).path)) }
    }

    /// A string.
    func string() throws(CRMError) -> String {
        guard let text = json.stringValue else { throw wrongKind("a string") }
        return text
    }

    /// An id, which the CRMs send as a string or as an integer depending on the endpoint (and sometimes
    /// the day); either is accepted and returned as text. An empty string is not an id.
    func id() throws(CRMError) -> String {
        if let number = json.int64Value { return String(number) }
        guard let text = json.stringValue, !text.isEmpty else { throw wrongKind("an id (a string or an integer)") }
        return text
    }

    /// An integer, written as a number or as a string of digits (ActiveCampaign's `meta.total` is `"12"`).
    func int() throws(CRMError) -> Int {
        if let number = json.intValue { return number }
        guard let text = json.stringValue, let number = Int(text) else { throw wrongKind("an integer") }
        return number
    }

    /// A field's value as text: a string as it is, a number as written, a boolean as `true`/`false`; nil
    /// for null, and for an array or object, which no field we write back holds.
    var text: String? {
        switch json {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    private var name: String { path.isEmpty ? "the answer" : "\"\(path)\"" }

    private func child(_ key: String) -> (path: String, name: String) {
        let childPath = path.isEmpty ? key : path + "." + key
        return (childPath, "\"\(childPath)\"")
    }

    private func wrongKind(_ expected: String) -> CRMError {
        .malformedResponse("\(name) is \(article(json.kindName)), not \(expected)")
    }

    private func article(_ kind: String) -> String {
        kind == "array" || kind == "object" ? "an \(kind)" : "a \(kind)"
    }
}
