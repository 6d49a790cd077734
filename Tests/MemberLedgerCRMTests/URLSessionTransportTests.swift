import Foundation
import MemberLedgerCRM
import Testing

@Suite("URLSessionTransport: real HTTP on loopback, redirects, cookies, failures")
struct URLSessionTransportTests {
    private func request(_ method: String, _ url: String, body: String? = nil) -> CRMRequest {
        CRMRequest(
            method: method, url: url,
            headers: [(name: "Api-Token", value: "secret-token"), (name: "Accept", value: "application/json")],
            body: body.map { Array($0.utf8) })
    }

    @Test("a request goes out with its method, headers and body (DELETE with a body too); any status comes back")
    func roundTrip() throws {
        let server = try CannedHTTPServer(answers: [
            "HTTP/1.1 422 Unprocessable\r\nContent-Type: application/json\r\nRetry-After: 3\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"message\":\"x\"}"
        ])
        let response = try URLSessionTransport(timeout: 5).send(
            request("DELETE", "http://127.0.0.1:\(server.port)/1/objects/tagByName?a=%20b", body: #"{"ids":[1]}"#))
        #expect(response.status == 422)
        #expect(response.header("retry-after") == "3")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"message":"x"}"#)
        #expect(server.waitUntilAnswered())
        let received = try #require(server.requests.first)
        #expect(received.hasPrefix("DELETE /1/objects/tagByName?a=%20b HTTP/1.1\r\n"))
        #expect(received.contains("Api-Token: secret-token\r\n"))
        #expect(received.hasSuffix("\r\n\r\n{\"ids\":[1]}"))
    }

    @Test("a redirect on the same host is followed, without cookies carried")
    func sameOriginRedirect() throws {
        let server = try CannedHTTPServer(answers: [
            "HTTP/1.1 302 Found\r\nLocation: /next\r\nSet-Cookie: session=abc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        ])
        let response = try URLSessionTransport(timeout: 5).send(request("GET", "http://127.0.0.1:\(server.port)/first"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
        #expect(server.waitUntilAnswered())
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.hasPrefix("GET /next HTTP/1.1\r\n") == true)
        #expect(server.requests.last?.lowercased().contains("cookie:") == false)
    }

    @Test("a redirect to another host is not followed: the 3xx comes back")
    func crossHostRedirect() throws {
        let other = try CannedHTTPServer(answers: [])
        let server = try CannedHTTPServer(answers: [
            "HTTP/1.1 301 Moved\r\nLocation: http://localhost:\(other.port)/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ])
        let response = try URLSessionTransport(timeout: 5).send(request("GET", "http://127.0.0.1:\(server.port)/first"))
        #expect(response.status == 301)
        #expect(server.requests.count == 1)
    }

    @Test("nothing listening: unreachable, naming the host and not the headers")
    func refused() throws {
        let port = try CannedHTTPServer.closedPort()
        let error = #expect(throws: CRMError.self) {
            try URLSessionTransport(timeout: 5).send(request("GET", "http://127.0.0.1:\(port)/x"))
        }
        guard case .unreachable(let why)? = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(why.contains("127.0.0.1:\(port)"))
        #expect(!why.contains("secret-token"))
    }

    @Test("no answer within the timeout: timedOut")
    func timeout() throws {
        let silent = try CannedHTTPServer(answers: [])
        let started = ContinuousClock.now
        #expect(throws: CRMError.timedOut(seconds: 1)) {
            try URLSessionTransport(timeout: 1).send(request("GET", "http://127.0.0.1:\(silent.port)/x"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("a URL that is not one: unreachable")
    func badURL() {
        #expect(throws: CRMError.self) { try URLSessionTransport().send(request("GET", "not a url")) }
    }
}
