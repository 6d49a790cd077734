import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerWebhooks

/// The query parameters of a read API request, checked against the names its endpoint takes: an unknown
/// name, a name given twice, or a value of the wrong shape is an `APIError` that names the parameter.
struct APIParameters {
    private var values: [(name: String, value: String)] = []

    /// Reads `query`, allowing only `accepted` names.
    init(_ query: String?, accepted: [String]) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        let form: FormBody
        do {
            form = try FormBody(Array(query.utf8), part: .query)
        } catch {
            throw .badParameter("query", "\(error)")
        }
        for pair in form.pairs {
            guard accepted.contains(pair.name) else { throw .unknownParameter(pair.name, accepted: accepted) }
            guard !values.contains(where: { $0.name == pair.name }) else {
                throw .badParameter(pair.name, "given more than once")
            }
            values.append((pair.name, pair.value))
        }
    }

    /// The value of `name`; an empty value counts as not given.
    func string(_ name: String) -> String? {
        values.first { $0.name == name }.flatMap { $0.value.isEmpty ? nil : $0.value }
    }

    /// A whole number in `range`.
    func integer(_ name: String, in range: ClosedRange<Int64>) throws(APIError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw .badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// An RFC 3339 time.
    func time(_ name: String) throws(APIError) -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw .badParameter(name, "must be an RFC 3339 time such as 2026-05-01T00:00:00Z")
        }
        return time
    }

    /// One of `choices`.
    func choice(_ name: String, _ choices: [String]) throws(APIError) -> String? {
        guard let text = string(name) else { return nil }
        guard choices.contains(text) else {
            throw .badParameter(name, "must be one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    /// The point in history asked for with `asOf` or `seq` (not both); nil for now. `head` bounds `seq`.
    func point(head: Int64) throws(APIError) -> LedgerReplay.Target? {
        let time = try time("asOf")
        let seq = try integer("seq", in: 0...max(0, head))
        switch (time, seq) {
        case (nil, nil): return nil
        case (let time?, nil): return .time(time)
        case (nil, let seq?): return .seq(seq)
        case (.some, .some): throw .badParameter("seq", "give asOf or seq, not both")
        }
    }

    /// The query for the next page: these parameters in the order given, without `cursor`, then `cursor`
    /// set to `value`.
    func next(_ path: String, cursor: String, value: String) -> String {
        path + PercentEncoding.query(values.filter { $0.name != cursor } + [(cursor, value)])
    }
}
