import MemberLedgerCore
import Testing

@Suite("MemberTable: members by contact id, stored densely")
struct MemberTableTests {
    static func member(_ id: String, tags: TagSet = []) -> Member {
        Member(contactID: id, tags: tags, joinedAt: Timestamp(microseconds: 0))
    }

    @Test("add, replace, remove from the middle: every id still finds its own member")
    func addReplaceRemove() {
        var table = MemberTable()
        for id in ["a", "b", "c", "d"] { table[id] = Self.member(id) }
        table["b"] = Self.member("b", tags: ["Gold"])
        table["a"] = nil  // the last row moves into its place
        table["zz"] = nil  // removing what is not there changes nothing
        #expect(table.count == 3)
        #expect(table["a"] == nil)
        for id in ["b", "c", "d"] { #expect(table[id]?.contactID == id) }
        #expect(table["b"]?.tags == ["Gold"])
        #expect(table.map(\.contactID).sorted() == ["b", "c", "d"])
    }

    @Test("modify changes the member in place; equality ignores the order members were created in")
    func modifyAndEquality() {
        var first = MemberTable()
        var second = MemberTable()
        for id in ["x", "y"] { first[id] = Self.member(id) }
        for id in ["y", "x"] { second[id] = Self.member(id) }
        #expect(first == second)
        let inserted = first.modify("x") { $0.tags.insert("Lead") }
        #expect(inserted == true)
        #expect(first.modify("nobody") { _ in 1 } == nil)
        #expect(first != second)
        #expect(first["x"]?.tags == ["Lead"])
    }
}
