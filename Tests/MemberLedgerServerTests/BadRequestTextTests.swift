import Foundation
import MemberLedgerTesting
import Testing

/// A refusal names what was wrong without echoing the request: each case puts a marker (`ZQXJ`) in the
/// offending place (a header name or value, a target, a parameter name or value, a JSON key or value)
/// and the answer (400, or the 404, 417, 501 and 505 of the HTTP layer) must say what is wrong, by
/// position and kind, without it.
@Suite("Refusal texts never echo the request", .serialized)
struct BadRequestTextTests {
    static let marker = "ZQXJ"
    static let handshake = ReviewRegressionTests.handshake

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: [UInt8]
        /// What the answer's text must say.
        var says: String
        var status = 400
        var testDescription: String { name }

        /// A request as raw text (the HTTP parser's refusals).
        init(_ name: String, raw: String, status: Int = 400, says: String) {
            self.name = name
            request = Array(raw.utf8)
            self.status = status
            self.says = says
        }

        /// A site event posted to `/events` with the handshake as its bearer token.
        init(_ name: String, siteEvent: String, says: String) {
            self.name = name
            request = PythonClient.request(
                "POST", "/events",
                headers: [
                    ("Authorization", "Bearer \(BadRequestTextTests.handshake)"), ("Content-Type", "application/json"),
                ], body: siteEvent)
            self.says = says
        }

        /// A webhook to `/?QUERY` (the handshake filled in for `H`) with a body of a content type.
        init(_ name: String, query: String, body: String = "", type: String? = nil, says: String) {
            self.name = name
            let target = "/?" + query.replacingOccurrences(of: "=H", with: "=\(BadRequestTextTests.handshake)")
            request = PythonClient.request(
                body.isEmpty ? "GET" : "POST", target,
                headers: body.isEmpty ? [] : [("Content-Type", type ?? "application/x-www-form-urlencoded")],
                body: body)
            self.says = says
        }
    }

    static let cases: [Case] = [
        // The HTTP parser.
        Case("method not a token", raw: "ZQXJ( / HTTP/1.1\r\nHost: t\r\n\r\n", says: "method is not a token"),
        Case(
            "header name not a token", raw: "GET / HTTP/1.1\r\nHost: t\r\nZQXJ(x): 1\r\n\r\n",
            says: "header 2: name is not a token"),
        Case(
            "control byte in a named header's value", raw: "GET / HTTP/1.1\r\nHost: t\r\nX-ZQXJ: a\u{1}ZQXJ\r\n\r\n",
            says: "header 2: control byte in the value"),
        Case(
            "whitespace before the colon", raw: "GET / HTTP/1.1\r\nHost: t\r\nZQXJ : 1\r\n\r\n",
            says: "header 2: whitespace between the name and the colon"),
        Case("header without a colon", raw: "GET / HTTP/1.1\r\nZQXJ\r\n\r\n", says: "header 1: no colon"),
        Case("obs-fold", raw: "GET / HTTP/1.1\r\nHost: t\r\n ZQXJ: 1\r\n\r\n", says: "header 2: line starts with"),
        Case("space in the target", raw: "GET /ZQXJ ZQXJ HTTP/1.1\r\nHost: t\r\n\r\n", says: "request line"),
        Case(
            "Content-Length not digits", raw: "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: ZQXJ\r\n\r\n",
            says: "Content-Length is not digits only"),
        Case(
            "chunked then another coding",
            raw: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, ZQXJ\r\n\r\n",
            says: "chunked is not the one and final transfer coding"),
        Case(
            "trailer name not a token",
            raw: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nZQXJ(: 1\r\n\r\n",
            says: "trailer field 1: name is not a token"),
        Case("an unknown path", raw: "GET /ZQXJ HTTP/1.1\r\nHost: t\r\n\r\n", status: 404, says: "no such path"),
        Case(
            "an HTTP version not served", raw: "GET /ZQXJ HTTP/1.9\r\nHost: t\r\n\r\n", status: 505,
            says: "HTTP/1.9 is not supported"),
        Case(
            "a transfer coding not implemented", raw: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: ZQXJ\r\n\r\n",
            status: 501, says: "only chunked is implemented"),
        Case(
            "an expectation not met",
            raw: "POST / HTTP/1.1\r\nHost: t\r\nExpect: ZQXJ\r\nContent-Length: 2\r\n\r\nhi", status: 417,
            says: "only 100-continue can be met"),
        // Site events.
        Case(
            "a site event of an unknown type", siteEvent: #"{"type":"ZQXJ"}"#,
            says: "event type is none of"),
        Case(
            "a site event with an unknown key",
            siteEvent:
                #"{"type":"order.completed","contactId":"1","productId":"p1","gateway":"stripe","amount":100,"currency":"USD","ZQXJ":1}"#,
            says: "a key that is not taken here"),
        Case(
            "a site event with an unknown gateway",
            siteEvent:
                #"{"type":"order.completed","contactId":"1","productId":"p1","gateway":"ZQXJ","amount":100,"currency":"USD"}"#,
            says: "the value is not stripe or paypal"),
        Case(
            "a site event with a bad time",
            siteEvent:
                #"{"type":"order.completed","occurredAt":"ZQXJ","contactId":"1","productId":"p1","gateway":"stripe","amount":100,"currency":"USD"}"#,
            says: "the value is not an RFC 3339 time"),
        // The webhook decoder.
        Case(
            "unknown command", query: "aal_ZQXJ=H&contactId=1",
            says: "unknown command: the aal_* key of query pair 1 is none of aal_genpass"),
        Case(
            "a command and an unknown one", query: "aal_genpass=H&aal_ZQXJ=H&contactId=1",
            says: "several commands in one URL (aal_genpass and 1 other aal_* key)"),
        Case(
            "bad %-encoding in a query name", query: "aal_genpass=H&ZQXJ%zz=1&contactId=1",
            says: "query pair 2: the name has bad %-encoding"),
        Case(
            "bad %-encoding in a body value", query: "aal_genpass=H", body: "contactId=1&note=ZQXJ%G0",
            says: "form body pair 2: the value has bad %-encoding"),
        Case(
            "not UTF-8 in a body value", query: "aal_genpass=H", body: "contactId=ZQXJ%FF",
            says: "form body pair 1: the value is not UTF-8"),
        Case(
            "an unread content type", query: "aal_genpass=H", body: "contactId=1", type: "application/ZQXJ",
            says: "the content type is not read"),
        Case(
            "a merge field as the contact id", query: "aal_genpass=H", body: "contactId=%5BZQXJ%5D",
            says: "contactId holds a [ … ] placeholder (Ontraport's style)"),
        Case(
            "a merge field as the email", query: "aal_genpass=H", body: "contactId=1&Email=~ZQXJ~",
            says: "email holds a ~ … ~ placeholder"),
        Case(
            "a merge field as a parameter", query: "aal_updateteam=H&teamId=%25ZQXJ%25&change=1",
            body: "contactId=1", says: "teamId holds a % … % placeholder"),
        Case(
            "a merge field in a parameter no command takes", query: "aal_genpass=H",
            body: #"{"contactId":"1","parameters":{"ZQXJ":"{{ZQXJ}}"}}"#, type: "application/json",
            says: "a parameter no command takes holds a {{ … }} placeholder"),
        Case(
            "a parameter given twice", query: "aal_updateteam=H&teamId=ZQXJ1&change=1",
            body: "contactId=1&teamId=ZQXJ2", says: "parameter teamId is given twice with different values"),
        Case(
            "a duplicate JSON key", query: "aal_genpass=H", body: #"{"contactId":"1","ZQXJ":1,"ZQXJ":2}"#,
            type: "application/json", says: "JSON body: invalid JSON at byte 26: a key appears twice in one object"),
        Case(
            "an unexpected letter in JSON", query: "aal_genpass=H", body: #"{"contactId":ZQXJ}"#,
            type: "application/json", says: "JSON body: invalid JSON at byte 13: unexpected letter"),
        Case(
            "JSON of no known shape", query: "aal_genpass=H", body: #"{"ZQXJ":"ZQXJ"}"#, type: "application/json",
            says: "JSON body: no contact"),
    ]

    @Test("each bad request is refused saying what is wrong, without the marker", arguments: cases)
    func noEcho(_ testCase: Case) throws {
        #expect(String(decoding: testCase.request, as: UTF8.self).contains(Self.marker))
        let temp = TemporaryFolder()
        let server = try ReviewRegressionTests.server(temp)
        defer { server.shutdown() }
        let answer = try #require(try PythonClient.send([testCase.request], port: server.port).first)
        #expect(answer.status == testCase.status, "\(answer.body)")
        #expect(answer.body.contains(testCase.says), "\(answer.body)")
        #expect(!answer.body.lowercased().contains(Self.marker.lowercased()), "\(answer.body)")
        #expect(!answer.body.contains(Self.handshake))
    }
}
