import MemberLedgerCore
import Testing

@testable import MemberLedgerCRM

@Suite("Plumbing: the factory, the documented rates, URL encoding and header lookup")
struct PlumbingTests {
    @Test("the factory makes each CRM's client", arguments: CRMKind.allCases)
    func factory(kind: CRMKind) {
        let client = CRMClients.make(
            TestAccounts.connection(kind), key: TestAccounts.key, transport: ScriptedTransport([]))
        #expect(client.kind == kind)
    }

    @Test("the documented request rates")
    func rates() {
        #expect(CRMKind.activeCampaign.documentedRequestsPerSecond == 5)
        #expect(CRMKind.keap.documentedRequestsPerSecond == 10)
        #expect(CRMKind.ontraport.documentedRequestsPerSecond == 3)
        #expect(CRMKind.kit.documentedRequestsPerSecond == 2)
        #expect(CRMKind.drip.documentedRequestsPerSecond == 1)
    }

    @Test(
        "path segments and query values keep only unreserved characters",
        arguments: [
            ("Gold", "Gold"), ("a b", "a%20b"), ("A&B=C+D#E", "A%26B%3DC%2BD%23E"), ("x/y?z", "x%2Fy%3Fz"),
            ("é", "%C3%A9"), ("ada+1@example.com", "ada%2B1%40example.com"), ("a-b_c~d", "a-b_c~d"), ("%", "%25"),
        ])
    func encoding(text: String, encoded: String) {
        #expect(PercentEncoding.segment(text) == encoded)
        #expect(PercentEncoding.query([(name: "q", value: text)]) == "?q=" + encoded)
    }

    @Test("a segment of only dots is encoded whole, so it cannot move the request up a folder")
    func dotSegments() {
        #expect(PercentEncoding.segment(".") == "%2E")
        #expect(PercentEncoding.segment("..") == "%2E%2E")
        #expect(PercentEncoding.segment("...") == "...")
        #expect(PercentEncoding.query([(name: "q", value: "..")]) == "?q=..")
    }

    @Test("a base URL's trailing slash does not double the path's")
    func trailingSlash() throws {
        let transport = ScriptedTransport([.answer("GET /v4/account", 200, #"{"account":{"name":"Acme"}}"#)])
        let connection = CRMConnection(kind: .kit, baseURL: ScriptedTransport.baseURL + "/")
        #expect(try CRMClients.make(connection, key: "k", transport: transport).verify() == #"account "Acme""#)
    }

    @Test("headers are found without regard to ASCII case")
    func headerLookup() {
        let response = CRMResponse(
            status: 429, headers: [(name: "RETRY-after", value: "3"), (name: "Retry-After", value: "9")])
        #expect(response.header("Retry-After") == "3")
        #expect(response.header("retry-aftes") == nil)
        #expect(!response.isSuccess && CRMResponse(status: 204).isSuccess)
    }
}
