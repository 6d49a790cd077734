import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Malformed answers: a 2xx we cannot read is .malformedResponse naming what was missing")
struct MalformedResponseTests {
    @Test("a 2xx body that is not JSON", arguments: CRMKind.allCases)
    func notJSON(kind: CRMKind) {
        let transport = ScriptedTransport([.answer(TestAccounts.verifyRequest(kind), 200, "<html>maintenance</html>")])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).verify() }
        guard case .malformedResponse(let why)? = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        // The message names the request by its path, without the query.
        let path = TestAccounts.verifyRequest(kind).split(separator: "?")[0]
        #expect(why.hasPrefix(path + ": "))
        #expect(why.contains("invalid JSON at byte 0"))
        #expect(error?.isRetryable == true)
    }

    @Test("an empty 2xx body where JSON is due", arguments: CRMKind.allCases)
    func empty(kind: CRMKind) {
        let transport = ScriptedTransport([.answer(TestAccounts.verifyRequest(kind), 200, "")])
        #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).verify() }
    }

    @Test("JSON without what the API documents", arguments: CRMKind.allCases)
    func missingMember(kind: CRMKind) {
        let (body, why) =
            switch kind {
            case .activeCampaign: (#"{"users":[]}"#, #"no "user""#)
            case .keap: ("[]", "the answer is an array, not an object")
            case .ontraport: (#"{"code":0,"data":{"0":{"fields":{}}}}"#, #"no "data.0.name""#)
            case .kit: (#"{"user":{"email":"ada@example.com"}}"#, #"no "account""#)
            case .drip: (#"{"accounts":{"id":"1"}}"#, #""accounts" is an object, not an array"#)
            }
        let transport = ScriptedTransport([.answer(TestAccounts.verifyRequest(kind), 200, body)])
        #expect(throws: CRMError.malformedResponse(why)) { try TestAccounts.client(kind, transport).verify() }
    }

    @Test("a pull whose parts have the wrong kinds names the part")
    func wrongKinds() {
        let transport = ScriptedTransport([
            .answer("GET /v2/9999999/subscribers/42", #"{"subscribers":[{"id":"42","tags":"Gold"}]}"#)
        ])
        #expect(throws: CRMError.malformedResponse(#""subscribers[0].tags" is a string, not an array"#)) {
            try TestAccounts.client(.drip, transport).pull("42")
        }
        let empty = ScriptedTransport([.answer("GET /v2/9999999/subscribers/42", #"{"subscribers":[]}"#)])
        #expect(throws: CRMError.malformedResponse(#""subscribers" is empty"#)) {
            try TestAccounts.client(.drip, empty).pull("42")
        }
        let badID = ScriptedTransport([
            .answer("GET /api/3/contacts/42", #"{"contact":{"id":"42"}}"#),
            .answer("GET /api/3/contacts/42/contactTags", #"{"contactTags":[{"id":"7","tag":1.5}]}"#),
        ])
        #expect(
            throws: CRMError.malformedResponse(#""contactTags[0].tag" is a number, not an id (a string or an integer)"#)
        ) {
            try TestAccounts.client(.activeCampaign, badID).pull("42")
        }
    }

    @Test("a reported total that is not a number")
    func badTotal() {
        let transport = ScriptedTransport([
            .answer(
                "GET /api/3/tags?search=Gold&limit=100&offset=0",
                #"{"tags":[{"id":"1","tag":"Golden"}],"meta":{"total":"many"}}"#)
        ])
        #expect(throws: CRMError.malformedResponse(#""meta.total" is a string, not an integer"#)) {
            try TestAccounts.client(.activeCampaign, transport).applyTag("Gold", to: CRMContact(id: "42"))
        }
    }
}
