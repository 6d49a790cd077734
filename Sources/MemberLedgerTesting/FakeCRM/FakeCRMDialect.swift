import MemberLedgerCore
import MemberLedgerHTTP

/// One CRM's API as a fake speaks it: how it checks credentials, the shape of its error bodies, and its
/// routes over the shared `FakeCRMStore`. Each CRM is one caseless enum in a file of its own
/// (`FakeActiveCampaign`, `FakeKeap`, ...); `FakeCRM` does the rest (listening, faults, latency, the log)
/// once for all of them.
protocol FakeCRMDialect {
    /// The text of the CRM's rate-limit answer (429).
    static var rateLimitMessage: String { get }

    /// Nil when the request carries the account's credentials; else the CRM's refusal, with its status
    /// and error body.
    static func refusal(of request: FakeCRMRequest, settings: FakeCRMSettings) -> HTTPResponse?

    /// `status` with `message` in the CRM's error body.
    static func error(_ status: Int, _ message: String) -> HTTPResponse

    /// Answers an authorized request from the store, changing it as the real CRM would change its data;
    /// an unknown route is the CRM's 404.
    static func answer(_ request: FakeCRMRequest, store: inout FakeCRMStore, settings: FakeCRMSettings)
        -> HTTPResponse
}

extension FakeCRMDialect {
    /// `status` in the CRM's error body with the CRM's usual text for it: its rate-limit message for
    /// 429, the status's reason phrase otherwise.
    static func error(_ status: Int) -> HTTPResponse {
        error(status, status == 429 ? rateLimitMessage : reasonPhrase(status))
    }

    /// The CRM's plain 404, for a route it does not have or an object that does not exist.
    static var notFound: HTTPResponse {
        error(404, "Not Found")
    }

    /// The reason phrases of the statuses tests inject; others are "Error".
    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error"
        }
    }
}

extension HTTPResponse {
    /// An `application/json` response with `value` written compactly.
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        .json(status, JSONWriter.bytes(value))
    }

    /// `204 No Content`.
    static var noContent: HTTPResponse {
        HTTPResponse(status: 204)
    }
}
