/// A member's custom field values by field name (names distinct by their UTF-8 bytes), held as pairs
/// sorted by those bytes.
///
/// Not a `Dictionary`, for the reasons `TagSet` gives: a member has a few fields, a hash table for them
/// costs about twice the memory, and sorted pairs come out in canonical order with nothing to sort.
public struct FieldMap: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One field.
    public struct Field: Sendable, Hashable {
        /// The field's name.
        public var key: String
        /// Its value.
        public var value: String
    }

    /// The fields, sorted by name, one per name.
    private var sorted: [Field]

    /// The fields of `pairs`; of two pairs with one name, the later wins.
    public init(_ pairs: some Sequence<(String, String)>) {
        self.init(fields: pairs.map { Field(key: $0.0, value: $0.1) })
    }

    /// The fields, taken as they are when their names already strictly ascend (a snapshot's, as
    /// written), else merged one by one.
    init(fields: [Field]) {
        if fields.utf8StrictlyAscending(by: \.key) {
            sorted = fields
        } else {
            sorted = []
            for field in fields { self[field.key] = field.value }
        }
    }

    /// The fields of a literal.
    public init(dictionaryLiteral pairs: (String, String)...) {
        self.init(pairs)
    }

    /// The first position.
    public var startIndex: Int { sorted.startIndex }
    /// Past the last position.
    public var endIndex: Int { sorted.endIndex }
    /// The field at a position, in canonical order.
    public subscript(position: Int) -> Field { sorted[position] }

    /// Equal when they hold the same names and values byte for byte.
    public static func == (lhs: FieldMap, rhs: FieldMap) -> Bool {
        lhs.count == rhs.count
            && zip(lhs.sorted, rhs.sorted).allSatisfy { utf8Equal($0.key, $1.key) && utf8Equal($0.value, $1.value) }
    }

    /// Hashes the bytes `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(sorted.count)
        for field in sorted {
            hasher.combine(Array(field.key.utf8))
            hasher.combine(Array(field.value.utf8))
        }
    }

    /// Where the field `name` is, or where it would go.
    private func position(of name: String) -> (index: Int, found: Bool) {
        sorted.utf8Position(of: name, by: \.key)
    }

    /// The value of the field `name`; setting nil removes the field.
    public subscript(name: String) -> String? {
        get {
            let (index, found) = position(of: name)
            return found ? sorted[index].value : nil
        }
        set {
            let (index, found) = position(of: name)
            switch (newValue, found) {
            case (let value?, true): sorted[index].value = value
            case (let value?, false): sorted.insert(Field(key: name, value: value), at: index)
            case (nil, true): sorted.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// The fields as a dictionary (for JSON objects and comparisons).
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: sorted.map { ($0.key, $0.value) })
    }
}
