import MemberLedgerCRM
import MemberLedgerCore
import Testing

@Suite("Authentication: every request carries the key the CRM's way, and no error ever carries it")
struct AuthenticationTests {
    /// The headers each CRM authenticates by, as its documentation names them.
    private static func authHeaders(_ kind: CRMKind) -> [(String, String)] {
        switch kind {
        case .activeCampaign: [("Api-Token", TestAccounts.key)]
        case .keap: [("X-Keap-API-Key", TestAccounts.key)]
        case .ontraport: [("Api-Appid", TestAccounts.appID), ("Api-Key", TestAccounts.key)]
        case .kit: [("X-Kit-Api-Key", TestAccounts.key)]
        // base64("sk-Test-9f2c41d7e8b3:"): the key as the user, no password.
        case .drip: [("Authorization", "Basic c2stVGVzdC05ZjJjNDFkN2U4YjM6"), ("User-Agent", "MemberLedger")]
        }
    }

    @Test("verify sends the auth headers and describes the account", arguments: CRMKind.allCases)
    func verifyAuthenticates(kind: CRMKind) throws {
        let transport = ScriptedTransport([
            .answer(TestAccounts.verifyRequest(kind), 200, TestAccounts.verifyAnswer(kind))
        ])
        let description = try TestAccounts.client(kind, transport).verify()
        let expected =
            switch kind {
            case .activeCampaign: #"user "admin" (ada@example.com)"#
            case .keap, .kit: #"account "Acme" (ada@example.com)"#
            case .ontraport: #"app "2_12345_AbCdEf", object "Contact""#
            case .drip: #"account "Acme" (9999999)"#
            }
        #expect(description == expected)
        let request = try #require(transport.requests.first)
        for (name, value) in Self.authHeaders(kind) {
            #expect(request.header(name) == value, "\(name)")
            // Header names are compared without regard to case, as HTTP does.
            #expect(request.header(name.uppercased()) == value)
        }
        #expect(request.header("Accept") == "application/json")
        #expect(request.body == nil)
        #expect(transport.finished)
    }

    @Test("every request of a multi-call operation is authenticated", arguments: CRMKind.allCases)
    func everyRequestAuthenticated(kind: CRMKind) throws {
        let transport = ScriptedTransport(ScriptedCalls.pullSteps(kind))
        _ = try TestAccounts.client(kind, transport).pull("42")
        #expect(transport.requests.count == ScriptedCalls.pullSteps(kind).count)
        for request in transport.requests {
            for (name, value) in Self.authHeaders(kind) { #expect(request.header(name) == value) }
        }
    }

    /// An error body that quotes the key back, in each CRM's error shape (and for Drip, the Basic
    /// credentials as they were sent).
    private static func echoingBody(_ kind: CRMKind) -> String {
        let key = TestAccounts.key
        return switch kind {
        case .activeCampaign: #"{"message":"No Result found for User with token \#(key)"}"#
        case .keap: #"{"fault":{"faultstring":"Invalid Access Token \#(key)"}}"#
        case .ontraport: "Your App ID and API Key (\(key)) do not authenticate."
        case .kit: #"{"errors":["The access token \#(key) is invalid"]}"#
        case .drip: #"{"errors":[{"code":"authentication_error","message":"Bad Basic c2stVGVzdC05ZjJjNDFkN2U4YjM6"}]}"#
        }
    }

    @Test("a rejection that echoes the key is redacted", arguments: CRMKind.allCases)
    func rejectionRedacted(kind: CRMKind) {
        let transport = ScriptedTransport([.answer(TestAccounts.verifyRequest(kind), 401, Self.echoingBody(kind))])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).verify() }
        guard case .rejected(401, let message, nil)? = error else {
            Issue.record("expected a 401 rejection, got \(String(describing: error))")
            return
        }
        #expect(message.contains("[redacted]"))
        #expect(!"\(error!)".contains(TestAccounts.key))
        #expect(!"\(error!)".contains("c2stVGVzdC05ZjJjNDFkN2U4YjM6"))
        #expect(!String(reflecting: error!).contains(TestAccounts.key))
    }

    @Test("a transport failure that names the key is redacted", arguments: CRMKind.allCases)
    func transportFailureRedacted(kind: CRMKind) {
        let transport = ScriptedTransport([
            .failure(
                TestAccounts.verifyRequest(kind),
                .unreachable("proxy refused https://crm.test/?api_key=\(TestAccounts.key)"))
        ])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(kind, transport).verify() }
        #expect(error == .unreachable("proxy refused https://crm.test/?api_key=[redacted]"))
    }

    @Test("a key echoed with a combining mark after it is still redacted")
    func combiningMark() {
        let body = #"{"errors":["bad token \#(TestAccounts.key)\u0301!"]}"#
        let transport = ScriptedTransport([.answer("GET /v4/account", 401, body)])
        let error = #expect(throws: CRMError.self) { try TestAccounts.client(.kit, transport).verify() }
        #expect(error == .rejected(status: 401, message: "bad token [redacted]\u{301}!", retryAfter: nil))
    }

    @Test("a key cut in half at the 300-character limit leaves no piece of it behind")
    func redactedBeforeCut() {
        // The key starts at character 295, across the cut.
        let body = #"{"message":"\#(String(repeating: "x", count: 295))\#(TestAccounts.key) trailing"}"#
        let transport = ScriptedTransport([.answer("GET /api/3/users/me", 403, body)])
        let error = #expect(throws: CRMError.self) {
            try TestAccounts.client(.activeCampaign, transport).verify()
        }
        guard case .rejected(403, let message, _)? = error else {
            Issue.record("expected a rejection")
            return
        }
        #expect(message.count == 300)
        let key = Array(TestAccounts.key)
        for start in 0...(key.count - 5) { #expect(!message.contains(String(key[start..<start + 5]))) }
    }
}
