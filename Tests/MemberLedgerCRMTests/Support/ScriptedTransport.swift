import MemberLedgerCRM
import Synchronization
import Testing

/// A `CRMTransport` that plays a script: each request must be the next one expected (method and URL
/// after the base), and gets that step's canned answer or error. Every request is recorded, so a test
/// can check headers and bodies, and `finished` tells whether the client made every call expected.
final class ScriptedTransport: CRMTransport {
    /// One expected request (`"GET /api/3/users/me"`, query included) and what it gets.
    struct Step: Sendable {
        var request: String
        var outcome: Result<CRMResponse, CRMError>
    }

    private struct State {
        var steps: [Step]
        var requests: [CRMRequest] = []
    }

    /// The base URL the clients are given; stripped from recorded URLs.
    static let baseURL = "https://crm.test"

    private let state: Mutex<State>

    init(_ steps: [Step]) {
        state = Mutex(State(steps: steps))
    }

    func send(_ request: CRMRequest) throws(CRMError) -> CRMResponse {
        let line = Self.line(request)
        let step = state.withLock { state -> Step? in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        guard let step else {
            Issue.record("unexpected request \(line)")
            return CRMResponse(status: 599, body: Array("{\"message\":\"not in the script\"}".utf8))
        }
        #expect(line == step.request)
        return try step.outcome.get()
    }

    /// Every request sent so far, in order.
    var requests: [CRMRequest] { state.withLock { $0.requests } }

    /// Whether every step was used.
    var finished: Bool { state.withLock { $0.steps.isEmpty } }

    /// `METHOD /path?query` of a request.
    static func line(_ request: CRMRequest) -> String {
        let url = request.url.hasPrefix(baseURL) ? String(request.url.dropFirst(baseURL.count)) : request.url
        return "\(request.method) \(url)"
    }
}

extension ScriptedTransport.Step {
    /// `request` answered 200 with the JSON `body`.
    static func answer(_ request: String, _ body: String) -> Self {
        answer(request, 200, body)
    }

    /// `request` answered with `status` and the JSON (or other) text `body`.
    static func answer(
        _ request: String, _ status: Int, _ body: String, headers: [(name: String, value: String)] = []
    ) -> Self {
        Self(request: request, outcome: .success(CRMResponse(status: status, headers: headers, body: Array(body.utf8))))
    }

    /// `request` failing in the transport with `error`.
    static func failure(_ request: String, _ error: CRMError) -> Self {
        Self(request: request, outcome: .failure(error))
    }
}

extension CRMRequest {
    /// The body as text, for comparing with the JSON a test expects.
    var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}
