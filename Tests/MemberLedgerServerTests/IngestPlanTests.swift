import MemberLedgerHTTP
import MemberLedgerWebhooks
import Testing

@testable import MemberLedgerServer

/// The ingest plan: what a webhook or site event request is to do, decided from the request alone.
@Suite("Ingest plan")
struct IngestPlanTests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "POST"
        var target: String
        var headers: [(name: String, value: String)] = []
        var body = ""
        /// `refuse STATUS`, `webhook`, `webhook off the loop` or `site event`.
        var plan: String
        var endpoint: String
        var contact = "-"
        var testDescription: String { name }
    }

    static let form = ("Content-Type", "application/x-www-form-urlencoded")
    static let bearer = ("Authorization", "Bearer \(handshake)")

    static let cases: [Case] = [
        Case(
            name: "a genpass makes a password: off the loop", target: "/?aal_genpass=\(handshake)",
            headers: [form], body: "contactId=42", plan: "webhook off the loop", endpoint: "aal_genpass",
            contact: "42"),
        Case(
            name: "an updateuser stays on the loop", target: "/?aal_updateuser=\(handshake)", headers: [form],
            body: "contactId=42&email=a%40b.c", plan: "webhook", endpoint: "aal_updateuser", contact: "42"),
        Case(
            name: "a wrong handshake: 401, named by its command", target: "/?aal_genpass=nothandshake0000000",
            headers: [form], body: "contactId=42", plan: "refuse 401", endpoint: "aal_genpass"),
        Case(
            name: "an unknown command is aal_unknown in logs", target: "/?aal_nonsense=\(handshake)",
            headers: [form], body: "contactId=42", plan: "refuse 400", endpoint: "aal_unknown"),
        Case(name: "no aal_* key: 404", method: "GET", target: "/?foo=1", plan: "refuse 404", endpoint: "-"),
        Case(
            name: "no aal_* key with a body: 404 too", target: "/?foo=1", headers: [form], body: "a=b",
            plan: "refuse 404", endpoint: "-"),
        Case(
            name: "PUT: 405", method: "PUT", target: "/?aal_genpass=\(handshake)", plan: "refuse 405",
            endpoint: "aal_genpass"),
        Case(name: "GET /events: 405", method: "GET", target: "/events", plan: "refuse 405", endpoint: "events"),
        Case(
            name: "a site event without the bearer: 401", target: "/events",
            body:
                #"{"type":"order.completed","contactId":"42","productId":"11","gateway":"stripe","amount":1,"currency":"USD"}"#,
            plan: "refuse 401", endpoint: "events"),
        Case(
            name: "a site event that is not JSON: 400", target: "/events", headers: [bearer], body: "{",
            plan: "refuse 400", endpoint: "events"),
        Case(
            name: "an order: a site event named by its type", target: "/events", headers: [bearer],
            body:
                #"{"type":"order.completed","contactId":"42","productId":"11","gateway":"stripe","amount":1,"currency":"USD"}"#,
            plan: "site event", endpoint: "order.completed", contact: "42"),
    ]

    @Test("each request's plan: refuse (and why), or record on or off the loop", arguments: cases)
    func plans(_ testCase: Case) {
        let request = HTTPRequest(
            method: testCase.method, target: testCase.target, headers: HTTPHeaders(testCase.headers),
            body: Array(testCase.body.utf8))
        let plan = IngestPlan(request, decoder: WebhookDecoder(handshake: Self.handshake), handshake: Self.handshake)
        switch plan {
        case .refuse(let endpoint, let response):
            #expect(testCase.plan == "refuse \(response.status)", "\(String(decoding: response.body, as: UTF8.self))")
            #expect(endpoint == testCase.endpoint)
            #expect(!String(decoding: response.body, as: UTF8.self).contains(Self.handshake))
        case .webhook(let endpoint, let contact, let delivery, let offLoop):
            #expect(testCase.plan == (offLoop ? "webhook off the loop" : "webhook"))
            #expect(endpoint == testCase.endpoint && contact == testCase.contact)
            #expect(!delivery.items.isEmpty)
        case .siteEvent(let endpoint, let contact, _):
            #expect(testCase.plan == "site event")
            #expect(endpoint == testCase.endpoint && contact == testCase.contact)
        }
    }
}
