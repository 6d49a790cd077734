/// Members by contact id, stored densely: the members in one array, and an index from contact id to
/// position.
///
/// Not a `[String: Member]`: a hash table holds each member inline in a bucket, and with a power-of-two
/// bucket count a table of 100,000 members keeps some 260,000 buckets of 120 bytes. Here the buckets hold
/// only the id and a position, and the members sit once in an array. The array's order is the order of
/// the events that created them (undoing a creation takes the last one back), so it is the same in every
/// process; canonical output still sorts by contact id.
public struct MemberTable: Sendable, Equatable, Sequence {
    /// The members, in the order they were created.
    private var rows: [Member] = []
    /// Where each member is in `rows`.
    private var positions: [String: Int] = [:]

    /// An empty table.
    public init() {}

    /// How many members there are.
    public var count: Int { rows.count }

    /// Whether there are none.
    public var isEmpty: Bool { rows.isEmpty }

    /// Makes room for `count` members in all, before a bulk load.
    public mutating func reserveCapacity(_ count: Int) {
        rows.reserveCapacity(count)
        positions.reserveCapacity(count)
    }

    /// Whether there is a member with this contact id (without copying it out).
    public func contains(_ contactID: String) -> Bool { positions[contactID] != nil }

    /// What `body` reads from the member with this contact id, or nil when there is none. The member is
    /// lent, not copied: the reducer checks tags and fields many times per event, and a copy retains
    /// every one of the member's strings.
    public func read<Result>(_ contactID: String, _ body: (Member) -> Result) -> Result? {
        guard let position = positions[contactID] else { return nil }
        return body(rows[position])
    }

    /// The member with this contact id; setting adds, replaces or (nil) removes it.
    public subscript(contactID: String) -> Member? {
        get { positions[contactID].map { rows[$0] } }
        set {
            if let member = newValue {
                precondition(member.contactID == contactID, "member \(member.contactID) stored as \(contactID)")
            }
            switch (positions[contactID], newValue) {
            case (let position?, let member?):
                rows[position] = member
            case (nil, let member?):
                _ = insertNew(member)
            case (let position?, nil):
                remove(at: position)
            case (nil, nil):
                break
            }
        }
    }

    /// Adds a member expected to be new (a snapshot's), with one lookup; false, changing nothing, when
    /// the id is already there.
    public mutating func insertNew(_ member: consuming Member) -> Bool {
        if let previous = positions.updateValue(rows.count, forKey: member.contactID) {
            positions[member.contactID] = previous
            return false
        }
        rows.append(member)
        return true
    }

    /// Changes the member in place (no copy of its tags or fields); nil when there is no such member.
    @discardableResult
    public mutating func modify<Result>(_ contactID: String, _ change: (inout Member) -> Result) -> Result? {
        guard let position = positions[contactID] else { return nil }
        let result = change(&rows[position])
        precondition(rows[position].contactID == contactID, "a change renamed member \(contactID)")
        return result
    }

    /// Removes the member at `position`, moving the last one into its place.
    private mutating func remove(at position: Int) {
        let removed = rows[position].contactID
        let last = rows.count - 1
        if position != last {
            rows.swapAt(position, last)
            positions[rows[position].contactID] = position
        }
        rows.removeLast()
        positions[removed] = nil
    }

    /// The members in the order they were created.
    public func makeIterator() -> IndexingIterator<[Member]> { rows.makeIterator() }

    /// Equal when they hold equal members under the same ids, whatever the order they were created in.
    public static func == (lhs: MemberTable, rhs: MemberTable) -> Bool {
        lhs.count == rhs.count && lhs.rows.allSatisfy { rhs[$0.contactID] == $0 }
    }
}
