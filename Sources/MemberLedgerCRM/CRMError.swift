/// Why a call to a CRM failed. Each case carries what an admin needs to act, in the CRM's own words where
/// the CRM gave any; none ever carries the API key.
public enum CRMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The CRM answered with a non-2xx status; `message` is its own error text (cut to 300 characters),
    /// `retryAfter` its `Retry-After` in seconds when it sent one.
    case rejected(status: Int, message: String, retryAfter: Double?)
    /// No answer: connection refused or reset, DNS or TLS failure, the connection dropped mid-answer.
    case unreachable(String)
    /// No answer within the timeout.
    case timedOut(seconds: Double)
    /// A 2xx answer we cannot read (not JSON, or missing what the API documents).
    case malformedResponse(String)

    /// The HTTP status, when the CRM answered.
    public var status: Int? {
        if case .rejected(let status, _, _) = self { return status }
        return nil
    }

    /// Whether trying again later can succeed: no answer, a garbled answer, 408, 409, 429 and 5xx. Any
    /// other 4xx is the CRM refusing the request itself, which goes to the dead letters.
    public var isRetryable: Bool {
        switch self {
        case .rejected(let status, _, _): status == 408 || status == 409 || status == 429 || status >= 500
        case .unreachable, .timedOut, .malformedResponse: true
        }
    }

    public var description: String {
        switch self {
        case .rejected(let status, let message, _): "HTTP \(status): \(message)"
        case .unreachable(let why): "unreachable: \(why)"
        case .timedOut(let seconds): "no answer within \(Int(seconds)) s"
        case .malformedResponse(let why): "unreadable answer: \(why)"
        }
    }
}
