import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP side every client shares: builds requests on the connection's base URL with the client's
/// authentication, sends them through the transport, and turns any answer but 2xx into
/// `.rejected` with the CRM's own error text and its `Retry-After`.
///
/// It is also where the rule "the key never appears in an error" is enforced: every error leaving it
/// (a rejection quoting the request, a transport failure naming the URL, an unreadable answer) has the
/// key, and the forms it takes in a header, replaced by `[redacted]`.
struct CRMCall: Sendable {
    /// The methods the CRMs' APIs use.
    enum Method: String {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    /// The longest error text kept from a CRM, in characters.
    static let messageLimit = 300

    private let baseURL: String
    private let headers: [(name: String, value: String)]
    private let secrets: [String]
    private let transport: any CRMTransport
    private let errorText: @Sendable (ResponseValue) -> String?
    private let now: @Sendable () -> Double

    /// A call site for one account. `authHeaders` carry `key` in the CRM's way; `errorText` reads the
    /// CRM's error shape from a non-2xx JSON body (nil when the body is not of that shape, and the body's
    /// own text is used); `now` is the wall clock, in seconds since 1970, for `Retry-After` dates.
    init(
        baseURL: String, key: String, authHeaders: [(name: String, value: String)], transport: any CRMTransport,
        errorText: @escaping @Sendable (ResponseValue) -> String?,
        now: @escaping @Sendable () -> Double = CRMCall.wallClock
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.headers =
            authHeaders + [(name: "Accept", value: "application/json"), (name: "User-Agent", value: "MemberLedger")]
        // The key as sent in a header, in Basic authentication and percent-encoded, longest first so
        // that no shorter form leaves a piece of a longer one behind.
        let forms = [key, Self.basicCredentials(user: key), PercentEncoding.segment(key)]
        self.secrets = Array(Set(forms.filter { !$0.isEmpty })).sorted { $0.utf8.count > $1.utf8.count }
        self.transport = transport
        self.errorText = errorText
        self.now = now
    }

    /// Sends one request and returns the answer when its status is 2xx or in `accepting` (a status the
    /// caller reads as done, such as Kit's 404 for a tag already removed); any other status throws
    /// `.rejected`. `path` is the path's segments, each percent-encoded here.
    func send(
        _ method: Method, _ path: [String], query: [(name: String, value: String)] = [], body: JSONValue? = nil,
        accepting: Set<Int> = []
    ) throws(CRMError) -> CRMResponse {
        var requestHeaders = headers
        if body != nil { requestHeaders.append((name: "Content-Type", value: "application/json")) }
        let request = CRMRequest(
            method: method.rawValue, url: baseURL + Self.path(path) + PercentEncoding.query(query),
            headers: requestHeaders, body: body.map(JSONWriter.bytes))
        let response: CRMResponse
        do {
            response = try transport.send(request)
        } catch {
            throw redacted(error)
        }
        guard response.isSuccess || accepting.contains(response.status) else { throw rejection(response) }
        return response
    }

    /// Sends one request whose 2xx answer must be JSON, and returns that JSON.
    func json(
        _ method: Method, _ path: [String], query: [(name: String, value: String)] = [], body: JSONValue? = nil
    ) throws(CRMError) -> ResponseValue {
        let response = try send(method, path, query: query, body: body)
        do {
            return try ResponseValue.parse(response.body, what: "\(method.rawValue) \(Self.path(path))")
        } catch {
            throw redacted(error)
        }
    }

    /// `text` with every form of the key replaced, for anything built from a CRM's words. (The core's
    /// replacement matches bytes first, so a key followed by a combining mark is caught too, where the
    /// standard library's `replacing` compares characters and would miss it.)
    func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    /// A short description of an account for `verify`: `label "name" (email)`, redacted.
    func describe(_ label: String, name: String?, email: String?) -> String {
        var text = label
        if let name, !name.isEmpty { text += " \"\(name)\"" }
        if let email, !email.isEmpty { text += " (\(email))" }
        return redact(text)
    }

    /// The error for a non-2xx answer: the CRM's own text (its error shape when the body is JSON of that
    /// shape, else the body trimmed), redacted, then cut to `messageLimit` so a redaction is never cut in
    /// half into a piece of the key.
    func rejection(_ response: CRMResponse) -> CRMError {
        var message: String?
        if let json = try? ResponseValue.parse(response.body, what: "") {
            message = errorText(json)?.trimmingWhitespace
        }
        if message?.isEmpty ?? true {
            message = String(decoding: response.body, as: UTF8.self).trimmingWhitespace
        }
        let text = message.map(redact).flatMap { $0.isEmpty ? nil : $0 } ?? "no message"
        let retryAfter = response.header("Retry-After").flatMap { RetryAfter.seconds($0, now: now()) }
        return .rejected(
            status: response.status, message: String(text.prefix(Self.messageLimit)), retryAfter: retryAfter)
    }

    private func redacted(_ error: CRMError) -> CRMError {
        switch error {
        case .rejected(let status, let message, let retryAfter):
            .rejected(status: status, message: redact(message), retryAfter: retryAfter)
        case .unreachable(let why): .unreachable(redact(why))
        case .timedOut: error
        case .malformedResponse(let why): .malformedResponse(redact(why))
        }
    }

    /// HTTP Basic credentials for `user` with an empty password, as Drip takes its key: base64 of
    /// `user:`, to follow `Basic `.
    static func basicCredentials(user: String) -> String {
        Base64.encode(Array((user + ":").utf8))
    }

    /// Seconds since 1970 by the system's clock, which is what an HTTP-date is measured against.
    @Sendable static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func path(_ segments: [String]) -> String {
        segments.map { "/" + PercentEncoding.segment($0) }.joined()
    }
}
