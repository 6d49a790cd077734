import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerWebhooks

/// The admin console, `/console/…`: a login form that trades the admin token for a session cookie, the
/// pages (one HTML shell each, filled by `app.js` from the read API with that cookie) and the rules for
/// its few state-changing POSTs.
///
/// Rules: the token is only ever sent in a POST body, never in a URL, a page or a log line; the cookie is
/// `HttpOnly; SameSite=Strict; Path=/` (and `Secure` behind a trusted https proxy); more than five wrong
/// tokens a minute from one client address are answered 429; a POST needs a live session, an `Origin` of this server and the
/// session's CSRF token; every page is sent with a CSP that allows only this origin's script and style
/// and no framing.
final class Console: Sendable {
    /// The session cookie's name.
    static let cookie = "memberledger_session"

    let sessions: ConsoleSessions
    private let token: [UInt8]?
    /// Whether a reverse proxy in front is trusted for `X-Forwarded-For` and `X-Forwarded-Proto`.
    private let behindProxy: Bool

    /// The console for `token` (nil: no login succeeds); `behindProxy` trusts the proxy's forwarded
    /// client address (the login limit then counts each client, not the proxy) and scheme.
    init(token: String?, sessions: ConsoleSessions = ConsoleSessions(), behindProxy: Bool = false) {
        self.token = token.map { Array($0.utf8) }
        self.sessions = sessions
        self.behindProxy = behindProxy
    }

    /// The client's address: the one the trusted proxy appended last to `X-Forwarded-For`, else the peer's.
    func clientAddress(of request: HTTPRequest) -> String {
        guard behindProxy, let forwarded = request.headers["X-Forwarded-For"],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return request.remoteHost }
        return last
    }

    /// The pages, by the first path segment after `/console/` ("" is the log).
    static let pages = [
        "": "log", "events": "event", "members": "member", "teams": "team", "generator": "generator",
        "health": "health",
    ]

    /// The live session of the request's cookie, with its id.
    func session(of request: HTTPRequest) -> (id: String, session: ConsoleSessions.Session)? {
        guard let id = Self.cookieValue(request.headers["Cookie"]), let session = sessions.use(id) else { return nil }
        return (id, session)
    }

    /// Answers `GET` and `POST` for `/console…` except the actions (`refusal(ofAction:)` guards those).
    func respond(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        switch (request.method, path) {
        case ("GET", "/console"), ("HEAD", "/console"):
            return Self.redirect("/console/")
        case ("GET", "/console/app.js"), ("HEAD", "/console/app.js"):
            return Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8")
        case ("GET", "/console/app.css"), ("HEAD", "/console/app.css"):
            return Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8")
        case ("GET", "/console/icon.svg"), ("HEAD", "/console/icon.svg"):
            return Self.asset(ConsoleAssets.icon, type: "image/svg+xml")
        case ("GET", "/console/login"), ("HEAD", "/console/login"):
            return Self.page(200, ConsoleAssets.login(message: nil))
        case ("POST", "/console/login"):
            return login(request)
        case ("POST", "/console/logout"):
            if let refusal = refusal(ofAction: request) { return refusal }
            if let (id, _) = session(of: request) { sessions.close(id) }
            var response = Self.redirect("/console/login")
            response.headers.append(("Set-Cookie", "\(Self.cookie)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"))
            return response
        case ("GET", _), ("HEAD", _):
            let segments = path.dropFirst("/console/".count).split(separator: "/", omittingEmptySubsequences: false)
            guard path.hasPrefix("/console/"), let page = Self.pages[String(segments.first ?? "")] else {
                return Self.page(404, ConsoleAssets.notFound)
            }
            guard let (_, session) = session(of: request) else { return Self.redirect("/console/login") }
            return Self.page(200, ConsoleAssets.shell(page: page, csrf: session.csrf))
        default:
            var response = Self.page(405, ConsoleAssets.notFound)
            response.headers.append(("Allow", "GET, POST"))
            return response
        }
    }

    /// Why a state-changing POST is refused (no session, another origin, a missing or wrong CSRF token),
    /// or nil to go ahead.
    func refusal(ofAction request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "POST" else { return WebhookServer.methodNotAllowed("POST") }
        guard let (_, session) = session(of: request) else {
            return WebhookServer.error(401, "log in to the console first")
        }
        // With `Referrer-Policy: no-referrer` a browser sends `Origin: null` on a form's POST; it then still
        // says the request came from this site in `Sec-Fetch-Site`, which no page can set.
        let host = request.headers["Host"] ?? ""
        let origin = request.headers["Origin"] ?? "null"
        let sameOrigin =
            origin == "http://\(host)" || origin == "https://\(host)"
            || (origin == "null" && request.headers["Sec-Fetch-Site"] == "same-origin")
        guard !host.isEmpty, sameOrigin else {
            return WebhookServer.error(403, "the request did not come from this console (Origin)")
        }
        let sent =
            request.headers["X-CSRF-Token"]
            ?? (try? FormBody(request.body, part: .body))?.value("csrf") ?? ""
        guard ConstantTime.equals(Array(sent.utf8), Array(session.csrf.utf8)) else {
            return WebhookServer.error(403, "missing or wrong CSRF token; reload the page")
        }
        return nil
    }

    private func login(_ request: HTTPRequest) -> HTTPResponse {
        let address = clientAddress(of: request)
        guard !sessions.isLimited(address) else {
            var response = Self.page(
                429, ConsoleAssets.login(message: "Too many wrong tokens from this address; wait a minute."))
            response.headers.append(("Retry-After", "60"))
            return response
        }
        let sent = (try? FormBody(request.body, part: .body))?.value("token") ?? ""
        guard let token, ConstantTime.equals(Array(sent.utf8), token) else {
            sessions.wrongToken(from: address)
            return Self.page(401, ConsoleAssets.login(message: "That is not the admin token."))
        }
        let (id, _) = sessions.open()
        var response = Self.redirect("/console/")
        let secure = behindProxy && request.headers["X-Forwarded-Proto"] == "https" ? "; Secure" : ""
        response.headers.append(("Set-Cookie", "\(Self.cookie)=\(id); HttpOnly; SameSite=Strict; Path=/\(secure)"))
        return response
    }

    // MARK: - Answers

    /// The fields every console answer carries.
    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
    ]

    static func page(_ status: Int, _ html: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + securityHeaders,
            body: Array(html.utf8))
    }

    private static func asset(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", type)] + securityHeaders, body: Array(text.utf8))
    }

    static func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location)] + securityHeaders)
    }

    /// The value of the session cookie in a `Cookie` field.
    static func cookieValue(_ field: String?) -> String? {
        guard let field else { return nil }
        for pair in field.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            if trimmed.hasPrefix("\(cookie)=") {
                let value = String(trimmed.dropFirst(cookie.count + 1))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}
