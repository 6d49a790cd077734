import MemberLedgerCore
import Testing

@Suite("TagSet and FieldMap: sorted by UTF-8 bytes, one entry per name")
struct TagSetFieldMapTests {
    @Test("tags come out sorted by UTF-8 bytes (not by locale or Unicode order), distinct by their bytes")
    func tagOrder() {
        let tags: TagSet = ["é", "b", "B", "a", "b", "Z", "e\u{301}"]
        #expect(Array(tags) == ["B", "Z", "a", "b", "e\u{301}", "é"])
        #expect(tags.count == 6)
        #expect(tags == TagSet(["Z", "B", "é", "e\u{301}", "a", "b"]))
        // Canonically equivalent but different bytes: two tags, as the digest sees them.
        #expect(TagSet(["é"]) != TagSet(["e\u{301}"]))
        var fields: FieldMap = ["é": "1"]
        fields["e\u{301}"] = "2"
        #expect(fields.count == 2)
    }

    @Test("insert and remove report whether they changed anything, and keep the order")
    func tagInsertRemove() {
        var tags: TagSet = ["Gold", "Trial"]
        let insertedLead = tags.insert("Lead")
        let insertedGold = tags.insert("Gold")
        #expect(insertedLead && !insertedGold)
        #expect(Array(tags) == ["Gold", "Lead", "Trial"])
        let removedOnce = tags.remove("Trial")
        let removedTwice = tags.remove("Trial")
        #expect(removedOnce && !removedTwice)
        #expect(tags.contains("Gold") && !tags.contains("gold"))
        #expect(Array(tags) == ["Gold", "Lead"])
    }

    @Test("fields: sorted by name, the later of two pairs wins, nil removes")
    func fields() {
        var fields = FieldMap([("level", "1"), ("b", "x"), ("level", "2")])
        #expect(fields.map(\.key) == ["b", "level"])
        #expect(fields["level"] == "2")
        fields["a"] = "first"
        fields["level"] = nil
        fields["missing"] = nil
        #expect(fields.map(\.key) == ["a", "b"])
        #expect(fields == ["b": "x", "a": "first"])
        #expect(fields.dictionary == ["a": "first", "b": "x"])
    }
}
