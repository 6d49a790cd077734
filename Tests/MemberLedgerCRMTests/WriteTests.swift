import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Writes: tags applied (created first when missing), removed, and fields set, in each CRM's shapes")
struct WriteTests {
    private let ada = CRMContact(id: "42", email: "ada@example.com")

    @Test("ActiveCampaign: a missing tag is created, then applied")
    func activeCampaignCreatesTag() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /api/3/tags?search=Gold&limit=100&offset=0",
                #"{"tags":[{"id":"1","tag":"Gold Plus"}],"meta":{"total":"1"}}"#),
            .answer("POST /api/3/tags", 201, #"{"tag":{"id":"12","tag":"Gold","tagType":"contact"}}"#),
            .answer("POST /api/3/contactTags", 201, #"{"contactTag":{"id":"70","contact":"42","tag":"12"}}"#),
        ])
        try TestAccounts.client(.activeCampaign, transport).applyTag("Gold", to: ada)
        let bodies = transport.requests.map(\.bodyText)
        #expect(bodies[1] == #"{"tag":{"tag":"Gold","tagType":"contact","description":""}}"#)
        #expect(bodies[2] == #"{"contactTag":{"contact":"42","tag":"12"}}"#)
        #expect(transport.requests[1].header("Content-Type") == "application/json")
        #expect(transport.finished)
    }

    @Test("Keap: a missing tag is created, then applied by numeric id")
    func keapCreatesTag() throws {
        let transport = ScriptedTransport([
            .answer("GET /crm/rest/v1/tags?name=Gold&limit=200&offset=0", #"{"tags":[],"count":0}"#),
            .answer("POST /crm/rest/v1/tags", 201, #"{"id":93,"name":"Gold","description":"","category":null}"#),
            .answer("POST /crm/rest/v1/contacts/42/tags", 200, #"{"93":"SUCCESS"}"#),
        ])
        try TestAccounts.client(.keap, transport).applyTag("Gold", to: ada)
        let bodies = transport.requests.map(\.bodyText)
        #expect(bodies[1] == #"{"name":"Gold"}"#)
        #expect(bodies[2] == #"{"tagIds":[93]}"#)
        #expect(transport.finished)
    }

    @Test("Kit: a missing tag is created, then applied")
    func kitCreatesTag() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /v4/tags?per_page=500",
                #"{"tags":[{"id":1,"name":"gold","created_at":"2024-01-01T00:00:00Z"}],"#
                    + #""pagination":{"has_next_page":false,"end_cursor":null}}"#),
            .answer("POST /v4/tags", 201, #"{"tag":{"id":5,"name":"Gold","created_at":"2024-01-01T00:00:00Z"}}"#),
            .answer("POST /v4/tags/5/subscribers/42", 201, #"{"subscriber":{"id":42}}"#),
        ])
        try TestAccounts.client(.kit, transport).applyTag("Gold", to: ada)
        let bodies = transport.requests.map(\.bodyText)
        #expect(bodies[1] == #"{"name":"Gold"}"#)
        #expect(bodies[2] == "{}")
        #expect(transport.finished)
    }

    @Test("an existing tag is applied without creating it", arguments: [CRMKind.activeCampaign, .keap, .kit])
    func existingTagApplied(kind: CRMKind) throws {
        let steps: [ScriptedTransport.Step] =
            switch kind {
            case .activeCampaign:
                [
                    .answer(
                        "GET /api/3/tags?search=Gold&limit=100&offset=0",
                        #"{"tags":[{"id":"3","tag":"Gold"}],"meta":{"total":"1"}}"#),
                    .answer("POST /api/3/contactTags", 201, #"{"contactTag":{"id":"7"}}"#),
                ]
            case .keap:
                [
                    .answer(
                        "GET /crm/rest/v1/tags?name=Gold&limit=200&offset=0",
                        #"{"tags":[{"id":"91","name":"Gold"}],"count":1}"#),
                    .answer("POST /crm/rest/v1/contacts/42/tags", 200, #"{"91":"SUCCESS"}"#),
                ]
            default:
                [
                    .answer(
                        "GET /v4/tags?per_page=500",
                        #"{"tags":[{"id":"5","name":"Gold"}],"pagination":{"has_next_page":true,"end_cursor":"c"}}"#),
                    .answer("POST /v4/tags/5/subscribers/42", 200, #"{"subscriber":{"id":42}}"#),
                ]
            }
        let transport = ScriptedTransport(steps)
        try TestAccounts.client(kind, transport).applyTag("Gold", to: ada)
        #expect(transport.finished)
    }

    @Test("Ontraport: tags go by name through tagByName, removal with a JSON body on DELETE")
    func ontraportTagByName() throws {
        let transport = ScriptedTransport([
            .answer("PUT /1/objects/tagByName", 200, #"{"code":0,"data":"The tag is now being processed."}"#),
            .answer("DELETE /1/objects/tagByName", 200, #"{"code":0,"data":"The tag is now being processed."}"#),
            .answer("PUT /1/objects", 200, #"{"code":0,"data":{"attrs":{"id":"42","f1234":"X"}}}"#),
        ])
        let client = TestAccounts.client(.ontraport, transport)
        try client.applyTag("Gold", to: ada)
        try client.removeTag("Gold", from: ada)
        try client.setField("f1234", to: "X", of: ada)
        #expect(
            transport.requests.map(\.bodyText) == [
                #"{"objectID":0,"ids":[42],"add_names":["Gold"]}"#,
                #"{"objectID":0,"ids":[42],"remove_names":["Gold"]}"#,
                #"{"objectID":0,"id":42,"f1234":"X"}"#,
            ])
    }

    @Test("Drip: a tag is applied by email, looked up first when the ledger has none")
    func dripAppliesByEmail() throws {
        let transport = ScriptedTransport([
            .answer("POST /v2/9999999/tags", 201, ""),
            .answer(
                "GET /v2/9999999/subscribers/z1tog", #"{"subscribers":[{"id":"z1tog","email":"ada+x@example.com"}]}"#),
            .answer("POST /v2/9999999/tags", 201, "{}"),
        ])
        let client = TestAccounts.client(.drip, transport)
        try client.applyTag("Gold", to: ada)
        try client.applyTag("Gold & Silver", to: CRMContact(id: "z1tog"))
        #expect(transport.requests[0].bodyText == #"{"tags":[{"email":"ada@example.com","tag":"Gold"}]}"#)
        #expect(transport.requests[2].bodyText == #"{"tags":[{"email":"ada+x@example.com","tag":"Gold & Silver"}]}"#)
        #expect(transport.finished)
    }

    @Test("Drip: removal names the tag in the path, percent-encoded; fields are an upsert by id")
    func dripRemoveAndSet() throws {
        let transport = ScriptedTransport([
            .answer("DELETE /v2/9999999/subscribers/42/tags/Gold%20%26%20Silver%2FVIP", 204, ""),
            .answer("POST /v2/9999999/subscribers", 200, #"{"subscribers":[{"id":"42"}]}"#),
        ])
        let client = TestAccounts.client(.drip, transport)
        try client.removeTag("Gold & Silver/VIP", from: ada)
        try client.setField("coupon", to: "X-1", of: ada)
        #expect(transport.requests[1].bodyText == #"{"subscribers":[{"id":"42","custom_fields":{"coupon":"X-1"}}]}"#)
    }

    @Test("ActiveCampaign: removal deletes the contact's link to exactly that tag")
    func activeCampaignRemove() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /api/3/tags?search=Gold&limit=100&offset=0",
                #"{"tags":[{"id":"3","tag":"Gold"}],"meta":{"total":"1"}}"#),
            .answer(
                "GET /api/3/contacts/42/contactTags",
                #"{"contactTags":[{"id":"7","contact":"42","tag":"4"},{"id":"8","contact":"42","tag":"3"}]}"#),
            .answer("DELETE /api/3/contactTags/8", 200, "{}"),
            .answer(
                "GET /api/3/tags?search=Gold&limit=100&offset=0",
                #"{"tags":[{"id":"3","tag":"Gold"}],"meta":{"total":"1"}}"#),
            .answer("GET /api/3/contacts/42/contactTags", #"{"contactTags":[{"id":"7","contact":"42","tag":"4"}]}"#),
        ])
        let client = TestAccounts.client(.activeCampaign, transport)
        try client.removeTag("Gold", from: ada)
        // Already removed: nothing to delete.
        try client.removeTag("Gold", from: ada)
        #expect(transport.finished)
    }

    @Test("Kit: a tag already off the subscriber (404) is removed; an unknown tag needs no call")
    func kitRemove() throws {
        let tags = #"{"tags":[{"id":5,"name":"Gold"}],"pagination":{"has_next_page":false}}"#
        let transport = ScriptedTransport([
            .answer("GET /v4/tags?per_page=500", tags),
            .answer("DELETE /v4/tags/5/subscribers/42", 404, #"{"errors":["Not Found"]}"#),
            .answer("GET /v4/tags?per_page=500", tags),
        ])
        let client = TestAccounts.client(.kit, transport)
        try client.removeTag("Gold", from: ada)
        try client.removeTag("Silver", from: ada)
        #expect(transport.finished)
    }

    @Test("fields are set in each CRM's shape", arguments: CRMKind.allCases)
    func setField(kind: CRMKind) throws {
        let (request, field, body) =
            switch kind {
            case .activeCampaign:
                ("POST /api/3/fieldValues", "2", #"{"fieldValue":{"contact":"42","field":"2","value":"X \"1\""}}"#)
            case .keap:
                ("PATCH /crm/rest/v1/contacts/42", "6", #"{"custom_fields":[{"id":6,"content":"X \"1\""}]}"#)
            case .ontraport: ("PUT /1/objects", "f1234", #"{"objectID":0,"id":42,"f1234":"X \"1\""}"#)
            case .kit: ("PUT /v4/subscribers/42", "coupon_code", #"{"fields":{"coupon_code":"X \"1\""}}"#)
            case .drip:
                (
                    "POST /v2/9999999/subscribers", "coupon",
                    #"{"subscribers":[{"id":"42","custom_fields":{"coupon":"X \"1\""}}]}"#
                )
            }
        let transport = ScriptedTransport([.answer(request, 200, "{}")])
        try TestAccounts.client(kind, transport).setField(field, to: #"X "1""#, of: ada)
        #expect(transport.requests.first?.bodyText == body)
        #expect(transport.requests.first?.header("Content-Type") == "application/json")
    }

    @Test("Kit: first_name is the subscriber's own attribute, not a custom field")
    func kitFirstName() throws {
        let transport = ScriptedTransport([.answer("PUT /v4/subscribers/42", 200, #"{"subscriber":{"id":42}}"#)])
        try TestAccounts.client(.kit, transport).setField("first_name", to: "Ada", of: ada)
        #expect(transport.requests.first?.bodyText == #"{"first_name":"Ada"}"#)
    }
}

@Suite("Kit webhooks: registered per tag, listed over every page, removed")
struct KitWebhookTests {
    private func client(_ transport: ScriptedTransport, pageSize: Int = 500) -> KitClient {
        KitClient(
            connection: TestAccounts.connection(.kit), key: TestAccounts.key, transport: transport, pageSize: pageSize)
    }

    @Test("registering creates the tag when missing, then the webhook")
    func register() throws {
        let transport = ScriptedTransport([
            .answer("GET /v4/tags?per_page=500", #"{"tags":[],"pagination":{"has_next_page":false}}"#),
            .answer("POST /v4/tags", 201, #"{"tag":{"id":5,"name":"Gold"}}"#),
            .answer(
                "POST /v4/webhooks", 201,
                #"{"webhook":{"id":1,"account_id":7,"event":{"name":"subscriber.tag_add","tag_id":5},"#
                    + #""target_url":"https://ledger.test/hook?k=1"}}"#),
        ])
        let hook = try client(transport).registerWebhook(targetURL: "https://ledger.test/hook?k=1", tagName: "Gold")
        #expect(
            hook
                == KitWebhook(
                    id: "1", eventName: "subscriber.tag_add", tagID: "5", targetURL: "https://ledger.test/hook?k=1"))
        #expect(
            transport.requests[2].bodyText
                == #"{"target_url":"https://ledger.test/hook?k=1","event":{"name":"subscriber.tag_add","tag_id":5}}"#)
        #expect(transport.finished)
    }

    @Test("listing follows the cursor; removal treats a webhook already gone as removed")
    func listAndRemove() throws {
        let transport = ScriptedTransport([
            .answer(
                "GET /v4/webhooks?per_page=1",
                #"{"webhooks":[{"id":1,"event":{"name":"subscriber.tag_add","tag_id":5},"target_url":"https://a.test"}],"#
                    + #""pagination":{"has_next_page":true,"end_cursor":"c1"}}"#),
            .answer(
                "GET /v4/webhooks?per_page=1&after=c1",
                #"{"webhooks":[{"id":"2","event":{"name":"subscriber.subscriber_activate"},"target_url":"https://b.test"}],"#
                    + #""pagination":{"has_next_page":false,"end_cursor":"c2"}}"#),
            .answer("DELETE /v4/webhooks/1", 204, ""),
            .answer("DELETE /v4/webhooks/2", 404, #"{"errors":["Not Found"]}"#),
        ])
        let kit = client(transport, pageSize: 1)
        let hooks = try kit.webhooks()
        #expect(
            hooks == [
                KitWebhook(id: "1", eventName: "subscriber.tag_add", tagID: "5", targetURL: "https://a.test"),
                KitWebhook(
                    id: "2", eventName: "subscriber.subscriber_activate", tagID: nil, targetURL: "https://b.test"),
            ])
        for hook in hooks { try kit.removeWebhook(id: hook.id) }
        #expect(transport.finished)
    }
}
