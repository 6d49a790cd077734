/// A member's tags: names distinct by their UTF-8 bytes, held sorted by those bytes in one small array.
///
/// Not a `Set`: a member holds a handful of tags, and a hash table for two of them costs about twice the
/// memory of an array (a million members is the design point), while its iteration order would differ from
/// process to process. Kept sorted, the tags always come out in the canonical order the digest and every
/// output use, with nothing to sort.
public struct TagSet: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The tags, sorted by UTF-8 bytes, without duplicates.
    private var sorted: [String]

    /// The tags of `names`, duplicates dropped.
    public init(_ names: some Sequence<String>) {
        var sorted = Array(names)
        // Names already in canonical order (a snapshot's, an import's) are taken as they are.
        if !sorted.utf8StrictlyAscending(by: { $0 }) {
            sorted.sort(by: utf8Ascending)
            sorted.removeDuplicates()
        }
        self.sorted = sorted
    }

    /// The tags of a literal, duplicates dropped.
    public init(arrayLiteral names: String...) {
        self.init(names)
    }

    /// The first position.
    public var startIndex: Int { sorted.startIndex }
    /// Past the last position.
    public var endIndex: Int { sorted.endIndex }
    /// The tag at a position, in canonical order.
    public subscript(position: Int) -> String { sorted[position] }

    /// Equal when they hold the same tags byte for byte.
    public static func == (lhs: TagSet, rhs: TagSet) -> Bool {
        lhs.count == rhs.count && zip(lhs.sorted, rhs.sorted).allSatisfy { utf8Equal($0, $1) }
    }

    /// Hashes the bytes `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(sorted.count)
        for tag in sorted { hasher.combine(Array(tag.utf8)) }
    }

    /// Where `tag` is, or where it would go.
    private func position(of tag: String) -> (index: Int, found: Bool) {
        sorted.utf8Position(of: tag, by: { $0 })
    }

    /// Whether the member holds `tag` (exact bytes).
    public func contains(_ tag: String) -> Bool { position(of: tag).found }

    /// Adds `tag`; false when it was already there.
    @discardableResult
    public mutating func insert(_ tag: String) -> Bool {
        let (index, found) = position(of: tag)
        if !found { sorted.insert(tag, at: index) }
        return !found
    }

    /// Removes `tag`; false when it was not there.
    @discardableResult
    public mutating func remove(_ tag: String) -> Bool {
        let (index, found) = position(of: tag)
        if found { sorted.remove(at: index) }
        return found
    }
}

extension Array where Element == String {
    /// Drops adjacent repeats (of a sorted array: every duplicate).
    fileprivate mutating func removeDuplicates() {
        var kept = 0
        for index in indices where kept == 0 || !utf8Equal(self[kept - 1], self[index]) {
            self[kept] = self[index]
            kept += 1
        }
        removeLast(count - kept)
    }
}
