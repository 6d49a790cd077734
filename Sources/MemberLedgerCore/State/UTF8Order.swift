/// The one ordering of strings used wherever order reaches an output: by UTF-8 bytes, which is what every
/// platform and language agrees on (Swift's own `<` compares Unicode-normalized text instead).
public func utf8Ascending(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// Whether two strings have the same UTF-8 bytes. Tags and field names are compared this way, not by
/// Swift's `==` (Unicode canonical equivalence), so that what is distinct in the digest is distinct in
/// the state: "é" and "e\u{301}" are two tags.
public func utf8Equal(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.elementsEqual(rhs.utf8)
}

extension Array {
    /// Where `key` is in this array, kept sorted by the UTF-8 bytes of `keyOf`, or where it would go.
    func utf8Position(of key: String, by keyOf: (Element) -> String) -> (index: Int, found: Bool) {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if utf8Ascending(keyOf(self[middle]), key) { low = middle + 1 } else { high = middle }
        }
        return (low, low < count && utf8Equal(keyOf(self[low]), key))
    }

    /// Whether the keys strictly ascend by UTF-8 bytes: sorted, and no two the same.
    func utf8StrictlyAscending(by keyOf: (Element) -> String) -> Bool {
        indices.dropFirst().allSatisfy { utf8Ascending(keyOf(self[$0 - 1]), keyOf(self[$0])) }
    }
}
