import MemberLedgerCore
import MemberLedgerTesting
import MemberLedgerWebhooks
import Testing

extension HTTPFixture {
    var request: IncomingRequest { IncomingRequest(method: method, target: target, headers: headers, body: body) }
}

@Suite("Webhook decoding: URL shape, handshake, CRM dialects")
struct WebhookDecoderTests {
    let decoder = WebhookDecoder(handshake: "H4ndSh4k3H4ndSh4k3")

    func decode(_ name: String) throws -> WebhookDelivery {
        try decoder.decode(try HTTPFixture.named(name).request)
    }

    func contact(_ name: String) throws -> ContactData {
        try #require(try decode(name).items.first?.command.contacts.first)
    }

    @Test(
        "every dialect fixture decodes to the right command, contact and dialect",
        arguments: [
            ("keap-genpass", WebhookOperation.genpass, CRMDialect.ontraport, "12345"),
            ("keap-legacy-all-fields", .genpass, .keap, "12345"),
            ("keap-contact0id", .updateUser, .keap, "12345"),
            ("ontraport-updateuser", .updateUser, .ontraport, "4821"),
            ("ontraport-trailing-newline", .updateUser, .ontraport, "4821"),
            ("activecampaign-genpass", .genpass, .activeCampaign, "1358"),
            ("activecampaign-tags-fields", .updateUser, .activeCampaign, "1358"),
            ("kit-legacy-updateuser", .updateUser, .kit, "987654"),
            ("kit-v4-delivery", .genpass, .kit, "987654"),
            ("drip-http-post", .fieldOperation, .drip, "zltogz2hcjrkpp5treip"),
            ("drip-flat", .updateUser, .drip, "zltogz2hcjrkpp5treip"),
            ("drip-event", .updateUser, .drip, "zltogz2hcjrkpp5treip"),
            ("generic-json", .updateUser, .generic, "42"),
            ("updateteam", .updateTeam, .ontraport, "12345"),
            ("query-only-get", .updateUser, .query, "12345"),
        ])
    func dialects(name: String, operation: WebhookOperation, dialect: CRMDialect, contactID: String) throws {
        let delivery = try decode(name)
        #expect(delivery.operation == operation)
        #expect(delivery.dialect == dialect)
        #expect(delivery.items.first?.command.contacts.map(\.contactID) == [contactID])
        #expect(delivery.request.dialect == dialect.rawValue)
    }

    @Test("ActiveCampaign: email, names, comma-separated tags, fields; multi-select kept as sent")
    func activeCampaign() throws {
        let genpass = try contact("activecampaign-genpass")
        #expect(
            genpass
                == ContactData(
                    contactID: "1358", email: "cesar@example.com", firstName: "Cesar", lastName: "Cuadrado",
                    tags: ["Externos"]))
        let update = try contact("activecampaign-tags-fields")
        #expect(update.tags == ["month", "free_forever", "TIER1"])
        #expect(update.fields == ["member_points": "150", "interests": "||Yoga||Diet||"])
    }

    @Test("Keap: id spellings, profile names, other pairs as fields")
    func keap() throws {
        #expect(
            try contact("keap-legacy-all-fields")
                == ContactData(
                    contactID: "12345", email: "ada@example.com", firstName: "Ada", fields: ["_Points": "10"]))
        #expect(try contact("keap-contact0id") == ContactData(contactID: "12345", lastName: "Lovelace"))
    }

    @Test("Ontraport: only the id, with or without the trailing newline AccessAlly chokes on")
    func ontraport() throws {
        #expect(try contact("ontraport-updateuser") == ContactData(contactID: "4821"))
        #expect(try contact("ontraport-trailing-newline") == ContactData(contactID: "4821"))
        #expect(try contact("ontraport-trailing-newline").carriesData == false)
    }

    @Test("Kit: legacy subscriber and v4 events (each event id an idempotency key); password fields dropped")
    func kit() throws {
        let legacy = try contact("kit-legacy-updateuser")
        #expect(
            legacy
                == ContactData(
                    contactID: "987654", email: "ada@example.com", firstName: "Ada", fields: ["member_points": "40"]))
        let delivery = try decode("kit-v4-delivery")
        #expect(delivery.items.map(\.idempotencyKey) == ["9c2e1f3a-6b7d-4e8f-a1b2-c3d4e5f60718"])
    }

    @Test("Drip: custom fields, tags, parameters from `custom`")
    func drip() throws {
        let delivery = try decode("drip-http-post")
        let item = try #require(delivery.items.first)
        #expect(item.command.parameters == ["operationId": "7"])
        #expect(item.command.contacts[0].tags == ["Customer", "SEO"])
        #expect(item.command.contacts[0].fields == ["name": "John Doe", "member_points": "10"])
        #expect(item.command.contacts[0].email == "john@acme.com")
    }

    @Test("parameters come from the query (and the body); batches from lists or repeated ids")
    func parametersAndBatches() throws {
        #expect(try decode("updateteam").items[0].command.parameters == ["teamId": "3", "change": "5"])
        #expect(try decode("batchsync-list").items[0].command.contacts.map(\.contactID) == ["12345", "1358", "4821"])
        #expect(try decode("batchsync-repeated").items[0].command.contacts.map(\.contactID) == ["12345", "1358"])
        let conflicting = IncomingRequest(
            method: "POST", target: "/?aal_updateteam=H4ndSh4k3H4ndSh4k3&teamId=3&change=5",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("contactId=1&teamId=4".utf8))
        #expect(throws: WebhookError.conflictingParameter(name: "teamId")) { try decoder.decode(conflicting) }
    }

    @Test(
        "refusals say what is wrong",
        arguments: [
            ("auth-wrong-handshake", WebhookError.unauthorized),
            ("auth-missing-handshake", .unauthorized),
            ("auth-handshake-in-body", .unauthorized),
            ("unknown-command", .unknownCommand(pair: 1)),
            ("two-commands", .severalCommands(known: [.genpass, .updateUser], unknown: 0)),
            ("ontraport-merge-field", .unsubstitutedMergeField(name: "contactId", style: .brackets)),
            ("keap-merge-field", .unsubstitutedMergeField(name: "contactId", style: .tildes)),
            ("mailchimp-validator-get", .noCommand),
        ])
    func refusals(name: String, error: WebhookError) throws {
        let request = try HTTPFixture.named(name).request
        #expect(throws: error) { try decoder.decode(request) }
        #expect(!error.description.contains("H4ndSh4k3H4ndSh4k3"))
    }

    @Test(
        "malformed bodies are refused naming the problem",
        arguments: [
            ("application/json", "{\"contactId\":", "JSON body: invalid JSON"),
            ("application/json", "[1,2]", "JSON body: expected an object"),
            ("application/json", "{\"foo\":1}", "JSON body: no contact"),
            ("application/x-www-form-urlencoded", "contactId=%ZZ", "form body pair 1: the value has bad %-encoding"),
            ("application/x-www-form-urlencoded", "contactId=%C3%28", "form body pair 1: the value is not UTF-8"),
            ("application/x-www-form-urlencoded", "contactId=1&%E2%28=1", "form body pair 2: the name is not UTF-8"),
            ("application/x-www-form-urlencoded", "email=a%40b.c", "no contact id"),
            ("multipart/form-data; boundary=x", "--x", "the content type is not read"),
            (
                "application/x-www-form-urlencoded", "contactId=1&teamId={{team.id}}",
                "teamId holds a {{ … }} placeholder"
            ),
            ("application/json", #"{"contactId":"1","parameters":{"x":"%X%"}}"#, "a parameter no command takes holds"),
            ("application/json", #"{"contactId":"1","contactId":"2"}"#, "at byte 17: a key appears twice"),
        ])
    func malformed(contentType: String, body: String, message: String) {
        let request = IncomingRequest(
            method: "POST", target: "/?aal_updateteam=H4ndSh4k3H4ndSh4k3", headers: [("Content-Type", contentType)],
            body: Array(body.utf8))
        #expect {
            try decoder.decode(request)
        } throws: { error in
            "\(error)".hasPrefix(message) || "\(error)".contains(message)
        }
    }

    @Test("the kept request has the handshake and password fields redacted")
    func redaction() throws {
        let delivery = try decode("kit-legacy-updateuser")
        #expect(delivery.request.target == "/?aal_updateuser=REDACTED")
        #expect(!delivery.request.body.contains("H4ndSh4k3H4ndSh4k3"))
        let withPassword = IncomingRequest(
            method: "POST", target: "/?aal_genpass=H4ndSh4k3H4ndSh4k3&x=1",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("contactId=1&Password=hunter2hunter2&note=hello".utf8))
        let kept = try decoder.decode(withPassword)
        #expect(kept.request.body == "contactId=1&Password=REDACTED&note=hello")
        #expect(kept.items[0].command.contacts[0].fields == ["note": "hello"])
        let leaking = IncomingRequest(
            method: "POST", target: "/?aal_genpass=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("contactId=1&note=H4ndSh4k3H4ndSh4k3".utf8))
        #expect(throws: WebhookError.handshakeInBody) { try decoder.decode(leaking) }
        let encodedName = IncomingRequest(method: "GET", target: "/?%61al_genpass=H4ndSh4k3H4ndSh4k3&contactId=1")
        #expect(try decoder.decode(encodedName).request.target == "/?%61al_genpass=REDACTED&contactId=1")
        let json = IncomingRequest(
            method: "POST", target: "/?aal_genpass=H4ndSh4k3H4ndSh4k3", headers: [("Content-Type", "application/json")],
            body: Array(
                #"{"subscriber":{"id":1,"email_address":"a@b.c","fields":{"accessally_password":"s3cret-pass"}}}"#.utf8)
        )
        let keptJSON = try decoder.decode(json)
        #expect(!keptJSON.request.body.contains("s3cret-pass"))
        #expect(!keptJSON.request.body.contains("12345678"))
        #expect(keptJSON.items[0].command.contacts[0].fields.isEmpty)
        #expect(
            WebhookDecoder.redactedTarget("/?aal_genpass=H4ndSh4k3H4ndSh4k3&teamId=3")
                == "/?aal_genpass=REDACTED&teamId=3")
    }

    /// Found by the parser fuzz campaign (seed 20261132): the handshake as the value of a parameter other
    /// than `aal_*` was kept in the journal's copy of the target.
    @Test(
        "the handshake is never kept, whatever parameter or encoding carries it",
        arguments: [
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3&other=H4ndSh4k3H4ndSh4k3&contactId=1", ""),
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3&contactId=1&x=%48%34ndSh4k3H4ndSh4k3", ""),
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3&teamId=3&change=5er=H4ndSh4k3H4ndSh4k3&contactId=1", ""),
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3", #"{"contactId":"1","note":"\u0048\u0034ndSh4k3H4ndSh4k3"}"#),
            // Found in review: as a field name, or followed by a combining mark.
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3&contactId=1&contact[fields][%48%34ndSh4k3H4ndSh4k3]=1", ""),
            (
                "/?aal_updateuser=H4ndSh4k3H4ndSh4k3",
                #"{"contactId":"1","fields":{"\u0048\u0034ndSh4k3H4ndSh4k3":"1"}}"#
            ),
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3", #"{"contactId":"1","note":"\u0048\u0034ndSh4k3H4ndSh4k3\u0301"}"#),
            (
                "/?aal_updateuser=H4ndSh4k3H4ndSh4k3",
                #"{"contactId":"1","password":"x","fields":{"\u0048\u0034ndSh4k3H4ndSh4k3\u0301":"1"}}"#
            ),
            ("/?aal_updateuser=H4ndSh4k3H4ndSh4k3", #"{"contactId":"1","\u0048\u0034ndSh4k3H4ndSh4k3":"unknown key"}"#),
        ])
    func handshakeAnywhere(target: String, json: String) throws {
        let request = IncomingRequest(
            method: json.isEmpty ? "GET" : "POST", target: target,
            headers: json.isEmpty ? [] : [("Content-Type", "application/json")], body: Array(json.utf8))
        let decoded = Result { () throws(WebhookError) in try decoder.decode(request) }
        switch decoded {
        case .failure(.handshakeInBody), .failure(.handshakeInData): return  // refused outright: nothing is kept
        default: break
        }
        let delivery = try decoded.get()
        let kept = delivery.request
        #expect(!kept.target.contains("H4ndSh4k3H4ndSh4k3") && !kept.target.contains("%48%34ndSh4k3"), "\(kept.target)")
        #expect(!kept.body.contains("H4ndSh4k3H4ndSh4k3") && !kept.body.contains("u0034ndSh4k3"), "\(kept.body)")
        // Nor in what the request says: the commands as the journal would keep them.
        for line in Self.journalLines(delivery) {
            #expect(!line.contains("H4ndSh4k3H4ndSh4k3"), "\(line)")
        }
    }

    /// Found in the second review: the handshake in the kept content type, put back together from a
    /// bracketed field name, or a form body that parses as JSON keeping its password.
    @Test("the content type, joined field names and JSON-looking form bodies keep no secret")
    func secondReview() throws {
        let inContentType = IncomingRequest(
            method: "POST", target: "/?aal_updateuser=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/json; x=H4ndSh4k3H4ndSh4k3")],
            body: Array(#"{"contactId":"1","email":"a@b.c"}"#.utf8))
        #expect(throws: WebhookError.handshakeInData) { try decoder.decode(inContentType) }

        let dotted = WebhookDecoder(handshake: "abcdefgh.ijklmnop")
        let joined = IncomingRequest(
            method: "POST", target: "/?aal_updateuser=abcdefgh.ijklmnop",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("contact%5Bid%5D=1&contact%5Bfields%5D%5Babcdefgh%5D%5Bijklmnop%5D=v".utf8))
        #expect(throws: WebhookError.handshakeInData) { try dotted.decode(joined) }

        let quotedForm = IncomingRequest(
            method: "POST", target: "/?aal_updateuser=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(#""x=1&contactId=1&password=hunter2hunter2""#.utf8))
        let kept = try decoder.decode(quotedForm).request.body
        #expect(!kept.contains("hunter2"), "\(kept)")
    }

    /// The journal lines a delivery's commands would become.
    static func journalLines(_ delivery: WebhookDelivery) -> [String] {
        delivery.items.map { item in
            Event(
                seq: 1, recordedAt: Timestamp(microseconds: 0),
                payload: .webhookReceived(WebhookReceived(command: item.command, request: delivery.request))
            ).jsonLine
        }
    }

    /// Found by the parser fuzz campaign (seed 20261132, long run): a mangled URL fused the handshake into a
    /// key name, which the error message then quoted.
    @Test(
        "no error message quotes the handshake",
        arguments: [
            "/?aal_genpass=H4ndSh4k3H4ndSh4k3&aal_updateuser-H4ndSh4k3H4ndSh4k3",
            "/?aal_H4ndSh4k3H4ndSh4k3&aal_genpass=x",
            "/?aal_genpass=H4ndSh4k3H4ndSh4k3&contactId=1&aal_genpass%H4ndSh4k3H4ndSh4k3=1",
        ])
    func errorsNeverQuoteTheHandshake(target: String) {
        #expect {
            try decoder.decode(IncomingRequest(method: "GET", target: target))
        } throws: { error in
            !"\(error)".contains("H4ndSh4k3H4ndSh4k3")
        }
    }

    @Test("the Idempotency-Key or webhook-id header is the delivery's key")
    func idempotencyHeader() throws {
        var request = try HTTPFixture.named("fieldop-operation").request
        request.headers.append(("Idempotency-Key", "abc-123"))
        #expect(try decoder.decode(request).items[0].idempotencyKey == "abc-123")
        request.headers.removeLast()
        request.headers.append(("webhook-id", "msg_1"))
        #expect(try decoder.decode(request).items[0].idempotencyKey == "msg_1")
    }
}
