import Foundation
import MemberLedgerHTTP
import Synchronization
import Testing

@testable import MemberLedgerServer

/// The console's login rules without a server or a browser: the session cookie, its 12-hour idle expiry,
/// the 429 after five wrong tokens a minute, and what a state-changing POST must carry.
@Suite("Console sessions and POST rules")
struct ConsoleSessionTests {
    static let token = String(repeating: "T0k3n", count: 7)

    /// A clock the test moves by hand (monotonic nanoseconds).
    final class Clock: Sendable {
        let nanoseconds = Atomic<UInt64>(1_000_000_000)
        func advance(seconds: Double) { nanoseconds.add(UInt64(seconds * 1e9), ordering: .relaxed) }
        var now: UInt64 { nanoseconds.load(ordering: .relaxed) }
    }

    static func login(
        _ console: Console, token: String, from address: String = "10.0.0.1:5000", https: Bool = false,
        forwardedFor: String? = nil
    ) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded")]
        if https { headers.append(("X-Forwarded-Proto", "https")) }
        if let forwardedFor { headers.append(("X-Forwarded-For", forwardedFor)) }
        return console.respond(
            HTTPRequest(
                method: "POST", target: "/console/login", headers: HTTPHeaders(headers),
                body: Array("token=\(token)".utf8), remoteAddress: address))
    }

    static func cookie(of response: HTTPResponse) -> String? {
        response.headers.first { $0.name == "Set-Cookie" }?.value
    }

    @Test("a right token gets an HttpOnly, SameSite=Strict cookie (Secure behind https); the session idles out at 12 h")
    func sessionCookie() throws {
        let clock = Clock()
        let console = Console(token: Self.token, sessions: ConsoleSessions(now: { clock.now }), behindProxy: true)
        let answer = Self.login(console, token: Self.token)
        #expect(answer.status == 303)
        let cookie = try #require(Self.cookie(of: answer))
        #expect(cookie.hasPrefix("memberledger_session=") && cookie.hasSuffix("; HttpOnly; SameSite=Strict; Path=/"))
        #expect(!cookie.contains(Self.token))
        #expect(Self.cookie(of: Self.login(console, token: Self.token, https: true))?.hasSuffix("; Secure") == true)
        let id = String(cookie.dropFirst("memberledger_session=".count).prefix { $0 != ";" })
        let request = HTTPRequest(
            method: "GET", target: "/console/health",
            headers: HTTPHeaders([("Cookie", "a=b; memberledger_session=\(id)")]))
        #expect(console.session(of: request) != nil)
        clock.advance(seconds: 11 * 3600)
        #expect(console.session(of: request) != nil, "used within 12 h: still open, and its idle time starts again")
        clock.advance(seconds: 11 * 3600)
        #expect(console.session(of: request) != nil)
        clock.advance(seconds: 12 * 3600 + 1)
        #expect(console.session(of: request) == nil, "12 h without use: forgotten")
        #expect(console.respond(request).status == 303, "and the page sends the browser to the login form")
    }

    @Test("more than five wrong tokens a minute from one address: 429, even for the right one; others are not held up")
    func wrongTokens() {
        let clock = Clock()
        let console = Console(token: Self.token, sessions: ConsoleSessions(now: { clock.now }))
        let statuses = (0..<5).map { _ in Self.login(console, token: "wrong").status }
        #expect(statuses == [401, 401, 401, 401, 401])
        #expect(Self.login(console, token: Self.token).status == 429)
        #expect(Self.login(console, token: Self.token, from: "10.0.0.2:6000").status == 303)
        clock.advance(seconds: 61)
        #expect(Self.login(console, token: Self.token).status == 303, "a minute later the address may try again")
    }

    @Test("behind a trusted proxy the limit counts each client; untrusted forwarded headers change nothing")
    func behindProxy() {
        let proxied = Console(token: Self.token, behindProxy: true)
        for _ in 0..<5 {
            _ = Self.login(proxied, token: "wrong", from: "127.0.0.1:1", forwardedFor: "1.2.3.4, 203.0.113.9")
        }
        #expect(Self.login(proxied, token: Self.token, from: "127.0.0.1:2", forwardedFor: "203.0.113.9").status == 429)
        #expect(Self.login(proxied, token: Self.token, from: "127.0.0.1:3", forwardedFor: "198.51.100.7").status == 303)
        let direct = Console(token: Self.token)
        for index in 0..<5 {
            _ = Self.login(direct, token: "wrong", from: "10.0.0.9:\(index)", forwardedFor: "192.0.2.\(index)")
        }
        #expect(Self.login(direct, token: Self.token, from: "10.0.0.9:7", forwardedFor: "192.0.2.99").status == 429)
        #expect(
            Self.cookie(of: Self.login(direct, token: Self.token, from: "10.0.0.8:1", https: true))?.contains("Secure")
                == false)
    }

    @Test("a POST needs a session, this origin (or Sec-Fetch-Site: same-origin) and the CSRF token")
    func postRules() throws {
        let console = Console(token: Self.token)
        let (id, csrf) = console.sessions.open()
        func post(_ headers: [(name: String, value: String)], body: String = "") -> Int? {
            console.refusal(
                ofAction: HTTPRequest(
                    method: "POST", target: "/console/actions/verify",
                    headers: HTTPHeaders([("Host", "127.0.0.1:8080")] + headers), body: Array(body.utf8)))?.status
        }
        let session = ("Cookie", "memberledger_session=\(id)")
        let origin = ("Origin", "http://127.0.0.1:8080")
        #expect(post([session, origin, ("X-CSRF-Token", csrf)]) == nil)
        #expect(post([session, origin], body: "csrf=\(csrf)") == nil)
        #expect(post([session, ("Origin", "null"), ("Sec-Fetch-Site", "same-origin"), ("X-CSRF-Token", csrf)]) == nil)
        #expect(post([origin, ("X-CSRF-Token", csrf)]) == 401)
        #expect(post([session, ("Origin", "http://evil.example"), ("X-CSRF-Token", csrf)]) == 403)
        #expect(post([session, ("Origin", "null"), ("Sec-Fetch-Site", "cross-site"), ("X-CSRF-Token", csrf)]) == 403)
        #expect(post([session, origin]) == 403)
        #expect(post([session, origin, ("X-CSRF-Token", String(csrf.reversed()))]) == 403)
    }
}
