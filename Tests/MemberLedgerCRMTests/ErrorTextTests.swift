import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Error text: a rejection carries the CRM's own words, read from its error shape")
struct ErrorTextTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var kind: CRMKind
        var status: Int
        var body: String
        var message: String
        var testDescription: String { "\(kind.displayName) \(status): \(message)" }
    }

    static let shapes: [Shape] = [
        Shape(
            kind: .activeCampaign, status: 403, body: #"{"message":"No Result found for User with id 0"}"#,
            message: "No Result found for User with id 0"),
        Shape(
            kind: .activeCampaign, status: 422,
            body:
                #"{"errors":[{"title":"Email is invalid","detail":"","code":"invalid"},{"title":"Name","detail":"is too long"}]}"#,
            message: "Email is invalid; Name: is too long"),
        Shape(kind: .keap, status: 401, body: #"{"message":"Invalid Key"}"#, message: "Invalid Key"),
        Shape(
            kind: .keap, status: 401,
            body:
                #"{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":"keymanagement.service.invalid_access_token"}}}"#,
            message: "Invalid Access Token"),
        Shape(kind: .keap, status: 429, body: #"{"message":"Quota Exceeded"}"#, message: "Quota Exceeded"),
        Shape(
            kind: .ontraport, status: 401, body: "  Your App ID and API Key do not authenticate.\r\n",
            message: "Your App ID and API Key do not authenticate."),
        // Ontraport's error body is used verbatim, JSON or not.
        Shape(
            kind: .ontraport, status: 400, body: #"{"code":1,"message":"Invalid field"}"#,
            message: #"{"code":1,"message":"Invalid field"}"#),
        Shape(
            kind: .kit, status: 401, body: #"{"errors":["The access token is invalid"]}"#,
            message: "The access token is invalid"),
        Shape(
            kind: .kit, status: 422, body: #"{"errors":["Name can't be blank","Name is too short"]}"#,
            message: "Name can't be blank; Name is too short"),
        Shape(
            kind: .drip, status: 401,
            body: #"{"errors":[{"code":"authentication_error","message":"You are not authorized"}]}"#,
            message: "You are not authorized"),
        Shape(
            kind: .drip, status: 422,
            body:
                #"{"errors":[{"code":"presence_error","attribute":"email","message":"Email must be present"},{"code":"x","message":"Second"}]}"#,
            message: "Email must be present; Second"),
        // Not the CRM's JSON at all (a proxy's page): the body's text, trimmed.
        Shape(kind: .kit, status: 502, body: "\n<html>Bad Gateway</html>\n", message: "<html>Bad Gateway</html>"),
        // JSON of another shape: the body's text.
        Shape(kind: .drip, status: 500, body: #"{"oops":true}"#, message: #"{"oops":true}"#),
        Shape(kind: .activeCampaign, status: 503, body: "", message: "no message"),
    ]

    @Test("each CRM's error shape", arguments: shapes)
    func extracted(shape: Shape) {
        let transport = ScriptedTransport([.answer(TestAccounts.verifyRequest(shape.kind), shape.status, shape.body)])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(shape.kind, transport).verify() }
        #expect(error == .rejected(status: shape.status, message: shape.message, retryAfter: nil))
        #expect(error?.description == "HTTP \(shape.status): \(shape.message)")
    }

    @Test("a long message is cut to 300 characters")
    func cut() {
        let long = String(repeating: "é", count: 1000)
        let transport = ScriptedTransport([.answer("GET /v4/account", 400, #"{"errors":["\#(long)"]}"#)])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(.kit, transport).verify() }
        #expect(error == .rejected(status: 400, message: String(repeating: "é", count: 300), retryAfter: nil))
    }

    @Test("Retry-After on a 429 reaches the error, in seconds", arguments: CRMKind.allCases)
    func retryAfter(kind: CRMKind) {
        let transport = ScriptedTransport([
            .answer(TestAccounts.verifyRequest(kind), 429, "slow down", headers: [(name: "retry-after", value: "7")])
        ])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).verify() }
        #expect(error == .rejected(status: 429, message: "slow down", retryAfter: 7))
        #expect(error?.isRetryable == true)
    }

    @Test("an unreadable Retry-After is ignored, not trusted")
    func garbledRetryAfter() {
        let transport = ScriptedTransport([
            .answer("GET /v4/account", 503, #"{"errors":["down"]}"#, headers: [(name: "Retry-After", value: "soon")])
        ])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(.kit, transport).verify() }
        #expect(error == .rejected(status: 503, message: "down", retryAfter: nil))
    }

    @Test("a redirect the transport did not follow is a rejection like any other non-2xx")
    func redirectRejected() {
        let transport = ScriptedTransport([
            .answer(
                "GET /v4/account", 301, "", headers: [(name: "Location", value: "https://elsewhere.test/v4/account")])
        ])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(.kit, transport).verify() }
        #expect(error == .rejected(status: 301, message: "no message", retryAfter: nil))
    }
}
