import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import Synchronization

/// A fake of one CRM account on a loopback port, speaking that CRM's documented API (auth headers, JSON
/// bodies, pagination, status codes, error bodies) over real data, for tests that run the product
/// against it and then assert on the account's final state rather than on the calls made.
///
/// Start one per CRM, point the product's CRM connection at `baseURL`, seed contacts with `addContact`,
/// and read them back with `contact(_:)` and `tagNames()`. Faults are injected per request:
/// `failNext` (a status, e.g. 429 with `Retry-After`), `garbleNext` (200 with a body that is not JSON),
/// `setDown` (503 until cleared) and `setLatency`. Each request is checked in this order: down, then
/// credentials, then injected failures, then garbling, then the route; so a request with a wrong key is
/// refused without using up an injected failure.
///
/// Every list answer holds at most `pageSize` items, whatever the client asks for, so a client that
/// does not follow pages sees only the first. The exception is Ontraport, whose lists carry no total or
/// next-page mark, so clients rightly stop at a page shorter than they asked for: there `range` is
/// honoured up to Ontraport's largest page (50) and `pageSize` is only the length when none is asked.
///
/// Thread safety: the data, the fault switches and the log sit behind one `Mutex`; requests are
/// answered on the server's connection threads, each under the lock once its latency has passed.
public final class FakeCRM: Sendable {
    /// Which CRM this fake speaks.
    public let kind: CRMKind
    /// Where it listens: `http://127.0.0.1:PORT`, without a trailing slash.
    public let baseURL: String
    private let core: Core
    private let server: HTTPServer

    /// Starts a fake on 127.0.0.1 on a free port, with an empty account.
    ///
    /// - Parameters:
    ///   - kind: The CRM to speak.
    ///   - key: The API key it accepts (Drip: the HTTP Basic user).
    ///   - appID: Ontraport's App ID (`Api-Appid`); ignored by the others.
    ///   - account: Drip's account id, which every Drip path must carry; shown as the account id by the
    ///     others.
    ///   - pageSize: The most items in any list answer (Ontraport: the length when no `range` is asked
    ///     for); at least 1.
    /// - Throws: `HTTPServerError` when the server cannot listen.
    public init(
        _ kind: CRMKind, key: String = "fake-key", appID: String = "fake-app", account: String = "9999999",
        pageSize: Int = 2
    ) throws(HTTPServerError) {
        precondition(pageSize >= 1, "pageSize must be at least 1")
        let settings = FakeCRMSettings(kind: kind, key: key, appID: appID, accountID: account, pageSize: pageSize)
        let core = Core(settings: settings)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), handler: { core.answer($0) })
        try server.start()
        self.kind = kind
        self.core = core
        self.server = server
        baseURL = "http://127.0.0.1:\(server.port)"
    }

    deinit {
        server.shutdown()
    }

    /// The API key the fake accepts.
    public var key: String { core.settings.key }

    /// Stops listening and waits for requests under way to be answered. Safe to call more than once.
    public func stop() {
        server.shutdown()
    }

    // MARK: The account's data

    /// Adds (or replaces) a contact with the id it carries; its tags are found by name, created when
    /// missing, and applied. For Kit, a `lastName` is stored as the `last_name` field.
    ///
    /// - Returns: The contact's id.
    @discardableResult
    public func addContact(_ contact: Contact) -> String {
        core.state.withLock { $0.store.insert(contact) }
        return contact.id
    }

    /// The contact with this id as the account holds it now (tags by sorted name), or nil.
    public func contact(_ id: String) -> Contact? {
        core.state.withLock { $0.store.contact(id) }
    }

    /// The name of every tag object in the account, sorted; a name created twice appears twice.
    public func tagNames() -> [String] {
        core.state.withLock { $0.store.tags.map(\.name) }.sorted()
    }

    /// Creates a tag object with this name unless one exists, as an admin would beforehand.
    public func defineTag(_ name: String) {
        core.state.withLock { _ = $0.store.ensureTag(name) }
    }

    /// The webhooks registered through Kit's `POST /v4/webhooks` and not deleted, in the order created;
    /// empty for the other CRMs.
    public var kitWebhooks: [KitWebhook] {
        core.state.withLock { $0.store.webhooks }
    }

    // MARK: Faults

    /// Answers the next `count` requests that pass the credentials check with `status`, whatever their
    /// route, and changes nothing.
    ///
    /// - Parameters:
    ///   - retryAfter: A `Retry-After` value to send (seconds or an HTTP date), if any.
    ///   - body: The body to send (as JSON when it parses as JSON, else as text); by default the CRM's
    ///     own error body for `status`, with its rate-limit message for 429.
    public func failNext(_ count: Int, status: Int, retryAfter: String? = nil, body: String? = nil) {
        let failure = Failure(status: status, retryAfter: retryAfter, body: body)
        core.state.withLock { $0.failures += Array(repeating: failure, count: count) }
    }

    /// Answers the next `count` requests that pass the credentials check with 200 and a body that is not
    /// JSON (an HTML page, as a proxy in the way would send), and changes nothing.
    public func garbleNext(_ count: Int) {
        core.state.withLock { $0.garbles += count }
    }

    /// Makes every answer wait this many seconds first (on its own connection's thread).
    public func setLatency(_ seconds: Double) {
        core.state.withLock { $0.latency = seconds }
    }

    /// While down, every request is answered 503 with the CRM's error body, before any other check.
    public func setDown(_ down: Bool) {
        core.state.withLock { $0.down = down }
    }

    // MARK: The log

    /// How many requests have been answered so far.
    public var requestCount: Int {
        core.state.withLock { $0.answered }
    }

    /// `METHOD /path?query` of every request received, in order, for debugging.
    public var requests: [String] {
        core.state.withLock { $0.log }
    }

    /// An injected failure.
    private struct Failure {
        var status: Int
        var retryAfter: String?
        var body: String?
    }

    /// Everything that changes, behind one lock.
    private struct State {
        var store: FakeCRMStore
        var failures: [Failure] = []
        var garbles = 0
        var latency = 0.0
        var down = false
        var log: [String] = []
        var answered = 0
    }

    /// The state and the request answering, apart from `FakeCRM` so the server's handler can hold them
    /// before the fake itself exists (and without keeping the fake alive).
    private final class Core: Sendable {
        let settings: FakeCRMSettings
        let state: Mutex<State>

        init(settings: FakeCRMSettings) {
            self.settings = settings
            state = Mutex(State(store: FakeCRMStore(lastNameIsField: settings.kind == .kit)))
        }

        /// Answers one request: logs it, waits out the latency, then down, credentials, injected
        /// failures, garbling and the route, in that order.
        func answer(_ received: HTTPRequest) -> HTTPResponse {
            let latency = state.withLock { state in
                state.log.append("\(received.method) \(received.target)")
                return state.latency
            }
            if latency > 0 { Thread.sleep(forTimeInterval: latency) }
            let request = FakeCRMRequest(received)
            let dialect = settings.dialect
            return state.withLock { state in
                state.answered += 1
                if state.down { return dialect.error(503) }
                if let refusal = dialect.refusal(of: request, settings: settings) { return refusal }
                if !state.failures.isEmpty { return Self.answer(state.failures.removeFirst(), in: dialect) }
                if state.garbles > 0 {
                    state.garbles -= 1
                    return HTTPResponse(
                        status: 200, headers: [(name: "Content-Type", value: "text/html")],
                        body: Array("<html><body>502 Bad Gateway</body></html>".utf8))
                }
                return dialect.answer(request, store: &state.store, settings: settings)
            }
        }

        /// The answer an injected failure asks for.
        private static func answer(_ failure: Failure, in dialect: any FakeCRMDialect.Type) -> HTTPResponse {
            var response: HTTPResponse
            if let body = failure.body {
                response =
                    (try? JSONParser.parse(body)) != nil
                    ? .json(failure.status, Array(body.utf8)) : .text(failure.status, body)
            } else {
                response = dialect.error(failure.status)
            }
            if let retryAfter = failure.retryAfter { response.headers.append((name: "Retry-After", value: retryAfter)) }
            return response
        }
    }
}
