import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Pull: a contact read into ContactData from each CRM's shapes")
struct PullTests {
    @Test("names, email, every tag by name and the custom fields", arguments: CRMKind.allCases)
    func pullReadsContact(kind: CRMKind) throws {
        let transport = ScriptedTransport(ScriptedCalls.pullSteps(kind))
        let contact = try TestAccounts.client(kind, transport).pull("42")
        #expect(contact == ScriptedCalls.pulled(kind))
        #expect(transport.finished)
    }

    @Test("an unknown contact is the CRM's 404 in its own words", arguments: CRMKind.allCases)
    func unknownContact(kind: CRMKind) {
        let (request, body, message) =
            switch kind {
            case .activeCampaign:
                (
                    "GET /api/3/contacts/42", #"{"message":"No Result found for Subscriber with id 42"}"#,
                    "No Result found for Subscriber with id 42"
                )
            case .keap:
                (
                    "GET /crm/rest/v1/contacts/42?optional_properties=custom_fields",
                    #"{"message":"Contact 42 not found"}"#, "Contact 42 not found"
                )
            case .ontraport: ("GET /1/object?objectID=0&id=42", "Object not found\n", "Object not found")
            case .kit: ("GET /v4/subscribers/42", #"{"errors":["Not Found"]}"#, "Not Found")
            case .drip:
                (
                    "GET /v2/9999999/subscribers/42",
                    #"{"errors":[{"code":"not_found_error","message":"The resource you requested was not found"}]}"#,
                    "The resource you requested was not found"
                )
            }
        let transport = ScriptedTransport([.answer(request, 404, body)])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).pull("42") }
        #expect(error == .rejected(status: 404, message: message, retryAfter: nil))
        #expect(error?.isRetryable == false)
    }

    @Test("a contact id is one path segment, whatever it holds")
    func contactIDEncoded() throws {
        let transport = ScriptedTransport([
            .answer("GET /v4/subscribers/..%2F1%3Fx%3D1", 404, #"{"errors":["Not Found"]}"#)
        ])
        #expect(throws: CRMError.self) { try TestAccounts.client(.kit, transport).pull("../1?x=1") }
        #expect(transport.finished)
    }
}
