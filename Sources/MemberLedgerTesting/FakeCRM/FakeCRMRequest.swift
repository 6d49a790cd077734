import Foundation
import MemberLedgerCore
import MemberLedgerHTTP

/// A request as a fake CRM reads it: the path cut into percent-decoded segments, the query decoded into
/// pairs, and the body parsed as JSON when it is JSON. Routes match against it with `match`.
struct FakeCRMRequest {
    /// The method as sent.
    let method: String
    /// The path's segments, percent-decoded, without empty ones (`/api/3/tags/` is `api 3 tags`).
    let segments: [String]
    /// The query's pairs in order, percent-decoded, `+` read as a space.
    let query: [(name: String, value: String)]
    /// The header fields.
    let headers: HTTPHeaders
    /// The body parsed as JSON; nil when it is empty or not JSON.
    let body: JSONValue?

    /// Reads a request the server received.
    init(_ request: HTTPRequest) {
        method = request.method
        segments = request.path.split(separator: "/").map { Self.decoded($0, plusIsSpace: false) }
        query = (request.query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                Self.decoded(parts[0], plusIsSpace: true),
                parts.count > 1 ? Self.decoded(parts[1], plusIsSpace: true) : ""
            )
        }
        headers = request.headers
        body = request.body.isEmpty ? nil : try? JSONParser.parse(request.body)
    }

    /// The captured segments when the method is `method` and the path has the shape `pattern`, where
    /// `*` stands for any one segment (`"/v4/tags/*/subscribers/*"`); nil otherwise.
    func match(_ method: String, _ pattern: String) -> [String]? {
        guard method == self.method else { return nil }
        let parts = pattern.split(separator: "/")
        guard parts.count == segments.count else { return nil }
        var captures: [String] = []
        for (part, segment) in zip(parts, segments) {
            if part == "*" {
                captures.append(segment)
            } else if part != segment {
                return nil
            }
        }
        return captures
    }

    /// The first query value named `name`.
    func query(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The first query value named `name` read as a non-negative integer; nil when absent or not one.
    func queryCount(_ name: String) -> Int? {
        query(name).flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Percent-decodes one part of a target; a malformed escape leaves the text as sent.
    private static func decoded(_ text: Substring, plusIsSpace: Bool) -> String {
        let spaced = plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : String(text)
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension JSONValue {
    /// An id as the CRMs accept it in a body: a string, or an integer number, as text.
    var idText: String? {
        switch self {
        case .string(let text): text
        case .number: intValue.map { String($0) }
        default: nil
        }
    }

    /// A field value as text: a string, or a number or boolean as written; nil for null, arrays and
    /// objects.
    var valueText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    /// A string, or null for nil.
    static func optional(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }

    /// An id written as a number when it is a plain integer (Keap, Kit) and as a string otherwise.
    static func numeric(_ id: String) -> JSONValue {
        if let number = Int64(id), String(number) == id { return .number(id) }
        return .string(id)
    }
}
