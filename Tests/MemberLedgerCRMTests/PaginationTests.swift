import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Pagination: every list is read to its end, however the CRM pages it")
struct PaginationTests {
    private let connection = TestAccounts.connection
    private let key = TestAccounts.key

    @Test("ActiveCampaign: the substring search is paged by offset and compared by exact name")
    func activeCampaignSearch() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /api/3/tags?search=Gold&limit=2&offset=0",
                #"{"tags":[{"id":"1","tag":"Gold Plus"},{"id":"2","tag":"Old Gold"}],"meta":{"total":"5"}}"#),
            .answer(
                "GET /api/3/tags?search=Gold&limit=2&offset=2",
                #"{"tags":[{"id":"3","tag":"gold"},{"id":"4","tag":"Golden"}],"meta":{"total":"5"}}"#),
            .answer(
                "GET /api/3/tags?search=Gold&limit=2&offset=4", #"{"tags":[{"id":9,"tag":"Gold"}],"meta":{"total":5}}"#),
            .answer("POST /api/3/contactTags", 201, #"{"contactTag":{"id":"70","contact":"42","tag":"9"}}"#),
        ])
        let client = ActiveCampaignClient(
            connection: connection(.activeCampaign), key: key, transport: transport, pageSize: 2)
        try client.applyTag("Gold", to: CRMContact(id: "42"))
        #expect(transport.requests.last?.bodyText == #"{"contactTag":{"contact":"42","tag":"9"}}"#)
        #expect(transport.finished)
    }

    @Test("ActiveCampaign: a search with no exact match stops at the reported total")
    func activeCampaignSearchEnds() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /api/3/tags?search=Gold&limit=2&offset=0",
                #"{"tags":[{"id":"1","tag":"Gold Plus"},{"id":"2","tag":"Old Gold"}],"meta":{"total":"3"}}"#),
            .answer(
                "GET /api/3/tags?search=Gold&limit=2&offset=2",
                #"{"tags":[{"id":"4","tag":"Golden"}],"meta":{"total":"3"}}"#),
        ])
        let client = ActiveCampaignClient(
            connection: connection(.activeCampaign), key: key, transport: transport, pageSize: 2)
        // No tag is named exactly "Gold": nothing to remove, and no contactTags read.
        try client.removeTag("Gold", from: CRMContact(id: "42"))
        #expect(transport.finished)
    }

    @Test("Keap: a contact's tags are read page by page until the count")
    func keapContactTags() throws {
        func page(_ offset: Int, _ names: [String]) -> ScriptedTransport.Step {
            let tags = names.enumerated().map { #"{"tag":{"id":\#(offset + $0),"name":"\#($1)","category":null}}"# }
            return .answer(
                "GET /crm/rest/v1/contacts/42/tags?limit=2&offset=\(offset)",
                #"{"tags":[\#(tags.joined(separator: ","))],"count":5}"#)
        }
        let transport = ScriptedTransport([
            .answer("GET /crm/rest/v1/contacts/42?optional_properties=custom_fields", #"{"id":42}"#),
            page(0, ["A", "B"]), page(2, ["C", "D"]), page(4, ["E"]),
        ])
        let client = KeapClient(connection: connection(.keap), key: key, transport: transport, pageSize: 2)
        let contact = try client.pull("42")
        #expect(contact.tags == ["A", "B", "C", "D", "E"])
        #expect(contact.email == nil && contact.firstName == nil && contact.fields.isEmpty)
        #expect(transport.finished)
    }

    @Test("Keap: a tag is looked up by name over every page")
    func keapTagSearch() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /crm/rest/v1/tags?name=Gold&limit=1&offset=0",
                #"{"tags":[{"id":90,"name":"Gold Plus","description":"","category":null}],"count":2}"#),
            .answer(
                "GET /crm/rest/v1/tags?name=Gold&limit=1&offset=1",
                #"{"tags":[{"id":91,"name":"Gold","description":"","category":null}],"count":2}"#),
            .answer("DELETE /crm/rest/v1/contacts/42/tags?ids=91", 204, ""),
        ])
        let client = KeapClient(connection: connection(.keap), key: key, transport: transport, pageSize: 1)
        try client.removeTag("Gold", from: CRMContact(id: "42"))
        #expect(transport.finished)
    }

    @Test("Kit: cursors are followed, percent-encoded, until has_next_page is false")
    func kitCursors() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /v4/subscribers/42", #"{"subscriber":{"id":42,"first_name":null,"email_address":"a@x.test"}}"#),
            .answer(
                "GET /v4/subscribers/42/tags?per_page=2",
                #"{"tags":[{"id":1,"name":"A"},{"id":2,"name":"B"}],"#
                    + #""pagination":{"has_next_page":true,"end_cursor":"WzJd=="}}"#),
            .answer(
                "GET /v4/subscribers/42/tags?per_page=2&after=WzJd%3D%3D",
                #"{"tags":[{"id":3,"name":"C"}],"pagination":{"has_next_page":false,"end_cursor":"WzNd"}}"#),
        ])
        let client = KitClient(connection: connection(.kit), key: key, transport: transport, pageSize: 2)
        let contact = try client.pull("42")
        #expect(contact.tags == ["A", "B", "C"])
        #expect(contact.firstName == nil && contact.lastName == nil)
        #expect(transport.finished)
    }

    @Test("Kit: a cursor that does not move is an unreadable answer, not an endless loop")
    func kitStuckCursor() {
        let page = #"{"webhooks":[],"pagination":{"has_next_page":true,"end_cursor":"X"}}"#
        let transport = ScriptedTransport([
            .answer("GET /v4/webhooks?per_page=2", page), .answer("GET /v4/webhooks?per_page=2&after=X", page),
        ])
        let client = KitClient(connection: connection(.kit), key: key, transport: transport, pageSize: 2)
        #expect(throws: CRMError.malformedResponse("\"pagination.end_cursor\" did not move")) {
            try client.webhooks()
        }
    }

    @Test("Ontraport: tag objects are paged by start and range until every id is named")
    func ontraportTagPages() throws {
        func page(_ start: Int, _ tags: [(Int, String)]) -> ScriptedTransport.Step {
            let objects = tags.map { #"{"tag_id":"\#($0.0)","tag_name":"\#($0.1)","object_type_id":"0"}"# }
            return .answer(
                "GET /1/objects?objectID=14&range=2&start=\(start)",
                #"{"code":0,"data":[\#(objects.joined(separator: ","))]}"#)
        }
        let transport = ScriptedTransport([
            .answer("GET /1/object?objectID=0&id=42", #"{"code":0,"data":{"id":"42","contact_cat":"*/*5*/*2*/*"}}"#),
            page(0, [(1, "A"), (2, "B")]), page(2, [(3, "C"), (4, "D")]), page(4, [(5, "E"), (6, "F")]),
        ])
        let client = OntraportClient(connection: connection(.ontraport), key: key, transport: transport, pageSize: 2)
        // In contact_cat's order; the last page (start=6) is never asked for, all ids being named.
        #expect(try client.pull("42").tags == ["E", "B"])
        #expect(transport.finished)
    }

    @Test("Ontraport: an empty page ends the tag list, even after short pages; an id no tag has is left out")
    func ontraportEmptyPage() throws {
        let transport = ScriptedTransport([
            .answer("GET /1/object?objectID=0&id=42", #"{"code":0,"data":{"id":"42","contact_cat":"*/*1*/*77*/*"}}"#),
            .answer(
                "GET /1/objects?objectID=14&range=2&start=0",
                #"{"code":0,"data":[{"tag_id":"1","tag_name":"A"},{"tag_id":"2","tag_name":"B"}]}"#),
            .answer(
                "GET /1/objects?objectID=14&range=2&start=2", #"{"code":0,"data":[{"tag_id":"3","tag_name":"C"}]}"#),
            .answer("GET /1/objects?objectID=14&range=2&start=3", #"{"code":0,"data":[]}"#),
        ])
        let client = OntraportClient(connection: connection(.ontraport), key: key, transport: transport, pageSize: 2)
        #expect(try client.pull("42").tags == ["A"])
        #expect(transport.finished)
    }

    @Test("Ontraport: a server that ignores start cannot keep the client reading")
    func ontraportRepeatedPage() throws {
        let page = #"{"code":0,"data":[{"tag_id":"1","tag_name":"A"},{"tag_id":"2","tag_name":"B"}]}"#
        let transport = ScriptedTransport([
            .answer("GET /1/object?objectID=0&id=42", #"{"code":0,"data":{"id":"42","contact_cat":"*/*1*/*9*/*"}}"#),
            .answer("GET /1/objects?objectID=14&range=2&start=0", page),
            .answer("GET /1/objects?objectID=14&range=2&start=2", page),
        ])
        let client = OntraportClient(connection: connection(.ontraport), key: key, transport: transport, pageSize: 2)
        #expect(try client.pull("42").tags == ["A"])
        #expect(transport.finished)
    }

    @Test("Ontraport: a contact without tags reads no tag list")
    func ontraportNoTags() throws {
        let transport = ScriptedTransport([
            .answer("GET /1/object?objectID=0&id=42", #"{"code":0,"data":{"id":"42","contact_cat":""}}"#)
        ])
        #expect(try TestAccounts.client(.ontraport, transport).pull("42").tags == [])
        #expect(transport.finished)
    }
}
