import Foundation
import MemberLedgerTesting
import Testing

/// The admin console in a real headless Chromium, driven over the DevTools protocol pipe: log in, read
/// the log, watch a webhook arrive live, open an event, a member (now and as of an instant), a team, the
/// generator and its Copy button, the health page; a contact named like an HTML tag stays text. No
/// script may throw and no request may leave the server's origin. Screenshots go to
/// `.build/console-shots/`.
@Suite("Console in a real browser", .serialized, .enabled(if: Chromium.executable != nil, "chromium is not installed"))
struct ConsoleBrowserTests {
    static let xssName = "<img src=x onerror=alert(1)>"

    /// `.build/console-shots/` in the package.
    static let shots: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = root.appendingPathComponent(".build/console-shots").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    static func text(_ browser: Chromium, _ selector: String) throws -> String {
        try browser.evaluate("(document.querySelector(\(quoted(selector))) || {}).textContent || ''") as? String ?? ""
    }

    @Test("log in, read the log live, open an event, a member as of an instant, a team, the generator and health")
    func walkThrough() throws {
        let running = try ReadAPITests.Running()
        let port = running.server.port
        let base = "http://127.0.0.1:\(port)"
        let xss = try PythonClient.send(
            [
                PythonClient.request(
                    "POST", "/?aal_genpass=\(ReadAPITests.handshake)",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: "contactId=777&email=x%40example.com&first_name=\(ReadAPITests.percent(Self.xssName))")
            ], port: port)[0]
        #expect(xss.status == 200, "\(xss.body)")
        let head = ReadAPITests.history.count + 1
        let browser = try Chromium()

        // Not logged in: every page leads to the login form, whose token field is a password input.
        try browser.navigate("\(base)/console/")
        #expect(try browser.evaluate("location.pathname") as? String == "/console/login")
        #expect(try browser.evaluate("document.querySelector('input[name=token]').type") as? String == "password")
        try browser.screenshot(to: "\(Self.shots)/login.png")
        try browser.loading {
            try browser.evaluate(
                "document.getElementById('token').value = \(Self.quoted(running.token)); "
                    + "setTimeout(() => document.querySelector('main form').submit(), 0); true")
        }
        #expect(try browser.evaluate("location.href") as? String == "\(base)/console/")

        // The log: newest first, one row per event; a new webhook arrives without a reload.
        try browser.waitFor("document.querySelectorAll('table.log tbody tr[data-seq]').length === \(head)")
        #expect(
            try browser.evaluate("document.querySelector('table.log tbody tr').dataset.seq") as? String == "\(head)")
        // Times in the browser's zone, UTC on hover; the keyboard's first stop skips to the content.
        #expect(
            try browser.evaluate("document.querySelector('table.log time').title.endsWith('(UTC)')") as? Bool == true)
        for type in ["keyDown", "keyUp"] {
            try browser.call(
                "Input.dispatchKeyEvent", ["type": type, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9])
        }
        #expect(try browser.evaluate("document.activeElement.textContent") as? String == "Skip to content")
        try browser.waitFor("document.querySelector('.live').textContent === 'live'")
        _ = try PythonClient.send(
            [
                PythonClient.request(
                    "POST", "/?aal_genpass=\(ReadAPITests.handshake)",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "contactId=888")
            ], port: port)
        try browser.waitFor("document.querySelector('table.log tbody tr').dataset.seq === '\(head + 1)'")
        try browser.screenshot(to: "\(Self.shots)/log.png")
        try browser.screenshot(to: "\(Self.shots)/log-docs.jpg", jpegQuality: 55)

        // A row opens its event.
        try browser.loading { try browser.evaluate("document.querySelector('tr[data-seq=\"2\"] a').click(); true") }
        try browser.waitFor(
            "document.querySelector('main h1') && document.querySelector('main h1').textContent.includes('Event #2')")
        #expect(try Self.text(browser, "main").contains("memberCreated"))
        try browser.screenshot(to: "\(Self.shots)/event.png")

        // The member named like an HTML tag: shown as text, no element made of it.
        try browser.navigate("\(base)/console/members/777")
        try browser.waitFor("document.querySelector('dl.facts')")
        #expect(try Self.text(browser, "main").contains(Self.xssName))
        #expect(try browser.evaluate("document.querySelectorAll('main img').length") as? Int == 0)
        #expect(!browser.events.contains { $0.method == "Page.javascriptDialogOpening" })
        try browser.screenshot(to: "\(Self.shots)/member-xss.png")

        // A member as of an instant: before the ActiveCampaign update (seq 4), no TIER1 tag; said plainly.
        let third = ReadAPITests.object(try running.get("/api/events/3").body)
        let at = try #require((third["event"] as? [String: Any])?["at"] as? String)
        try browser.navigate("\(base)/console/members/1358?asOf=\(ReadAPITests.percent(at))")
        try browser.waitFor("document.querySelector('.notice')")
        #expect(try Self.text(browser, ".notice").contains("as of"))
        #expect(!(try Self.text(browser, "ul.tags")).contains("TIER1"))
        let linksLater = "[...document.querySelectorAll('main a')].some(a => a.textContent === '#4')"
        #expect(try browser.evaluate(linksLater) as? Bool == false, "the timeline stops at the instant too")
        try browser.screenshot(to: "\(Self.shots)/member-as-of.png")
        try browser.screenshot(to: "\(Self.shots)/member-docs.jpg", jpegQuality: 55)
        try browser.navigate("\(base)/console/members/1358")
        try browser.waitFor("document.querySelector('ul.tags')")
        #expect(try Self.text(browser, "ul.tags").contains("TIER1"))

        // Search finds by email prefix; a team shows its seats.
        try browser.navigate("\(base)/console/members?q=cesar")
        try browser.waitFor("document.querySelector('main table')")
        #expect(try Self.text(browser, "main table").contains("1358"))
        try browser.navigate("\(base)/console/teams/3/12345")
        try browser.waitFor("document.querySelector('dl.facts')")
        #expect(try Self.text(browser, "dl.facts").contains("Seats free"))
        try browser.screenshot(to: "\(Self.shots)/team.png")

        // The generator, prefilled from its URL, with the base the server listens on; Copy copies it.
        try browser.call(
            "Browser.grantPermissions",
            ["origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]], inSession: false)
        try browser.navigate("\(base)/console/generator?command=updateteam&team=3&change=5&crm=ontraport")
        let expected = "\(base)/?aal_updateteam=\(ReadAPITests.handshake)&teamId=3&change=5"
        try browser.waitFor("document.getElementById('gen-url').textContent === \(Self.quoted(expected))")
        #expect(try Self.text(browser, "#gen-steps").hasPrefix("Ontraport:"))
        try browser.evaluate("document.getElementById('gen-copy').click(); true")
        try browser.waitFor("document.getElementById('gen-copied').textContent !== ''")
        #expect(try Self.text(browser, "#gen-copied") == "Copied")
        #expect(try browser.evaluate("navigator.clipboard.readText()") as? String == expected)
        try browser.screenshot(to: "\(Self.shots)/generator.png")
        try browser.screenshot(to: "\(Self.shots)/generator-docs.jpg", jpegQuality: 55)

        // Health: "verify now" runs in the background and reports the chain intact.
        try browser.navigate("\(base)/console/health")
        try browser.waitFor("document.getElementById('verify-now')")
        try browser.evaluate("document.getElementById('verify-now').click(); true")
        try browser.waitFor("document.querySelector('main').textContent.includes('intact:')")
        try browser.screenshot(to: "\(Self.shots)/health.png")

        // 375 px wide: the log fits without sideways scrolling.
        try browser.call(
            "Emulation.setDeviceMetricsOverride", ["width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": true])
        try browser.navigate("\(base)/console/")
        try browser.waitFor("document.querySelectorAll('table.log tbody tr[data-seq]').length > 0")
        #expect(try browser.evaluate("document.documentElement.scrollWidth") as? Int ?? 999 <= 375)
        try browser.screenshot(to: "\(Self.shots)/log-375.png")

        // Log out: the console is closed again.
        try browser.loading { try browser.evaluate("document.querySelector('form.logout button').click(); true") }
        #expect(try browser.evaluate("location.pathname") as? String == "/console/login")
        try browser.navigate("\(base)/console/health")
        #expect(try browser.evaluate("location.pathname") as? String == "/console/login")

        #expect(browser.scriptErrors.isEmpty, "\(browser.scriptErrors)")
        #expect(browser.failedRequests.isEmpty, "\(browser.failedRequests)")
        // data: URLs are the browser's own (a date input's calendar icon): they never reach the network.
        let outside = browser.requestedURLs.filter {
            !$0.hasPrefix(base + "/") && !$0.hasPrefix("about:") && !$0.hasPrefix("data:")
        }
        #expect(outside.isEmpty, "\(outside)")
        // The token never reaches a URL or the access log.
        #expect(!browser.requestedURLs.contains { $0.contains(running.token) })
        #expect(running.server.stop() == 0)
        #expect(!running.server.log.contains(running.token))
    }

    @Test("more than five wrong tokens a minute from one address are answered 429")
    func loginRateLimit() throws {
        let running = try ReadAPITests.Running(fixtures: [])
        let wrong = (0..<6).map { _ in
            PythonClient.request(
                "POST", "/console/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "token=nope")
        }
        let right = PythonClient.request(
            "POST", "/console/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "token=\(running.token)")
        let answers = try PythonClient.send(wrong + [right], port: running.server.port)
        #expect(answers.map(\.status) == [401, 401, 401, 401, 401, 429, 429])
        #expect(answers.allSatisfy { !$0.body.contains(running.token) && !$0.body.contains("nope") })
        #expect(answers[0].headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
    }
}
