/// The header fields of a request in the order they were received, looked up by name without regard to
/// ASCII case (RFC 9110 §5.1).
///
/// Repeated fields stay separate entries, never joined, so a caller can see (and refuse) a duplicate.
/// Values are trimmed of the whitespace around them, as RFC 9110 §5.5 says a recipient must.
public struct HTTPHeaders: Sendable, Sequence {
    /// One field: its name as sent and its value.
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    /// Creates headers from fields in order.
    public init(_ fields: [Element] = []) {
        self.fields = fields
    }

    /// How many fields there are, counting repeats.
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field with this name, ignoring case; nil when there is none.
    public subscript(name: String) -> String? {
        fields.first { HTTPSyntax.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The values of every field with this name, ignoring case, in the order received.
    public func values(for name: String) -> [String] {
        var values: [String] = []
        for field in fields where HTTPSyntax.equalsIgnoringCase(field.name, name) { values.append(field.value) }
        return values
    }

    /// How many fields have the name (any case).
    public func count(of name: String) -> Int {
        fields.reduce(0) { $0 + (HTTPSyntax.equalsIgnoringCase($1.name, name) ? 1 : 0) }
    }

    public mutating func append(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Iterates the fields in the order received.
    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }
}
