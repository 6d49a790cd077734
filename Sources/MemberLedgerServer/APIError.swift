import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal

/// Why the read API did not answer with what was asked: each case is one status and a message that
/// names what to fix. No case quotes the token or a secret.
enum APIError: Error, Sendable, Equatable {
    /// No admin token, a wrong one, or the handshake: always the same 401.
    case unauthorized
    /// A parameter (or path part) with a value that cannot be used.
    case badParameter(String, String)
    /// A parameter this endpoint does not take.
    case unknownParameter(String, accepted: [String])
    /// Nothing at that path, or no such id.
    case notFound(String)
    /// Not GET or HEAD.
    case methodNotAllowed
    /// The log is still being rebuilt from the journal at start (or could not be).
    case logNotReady(String?)
    /// Too many replays or streams at once.
    case busy(String)
    /// The journal could not be read for the answer.
    case failed(String)
    /// The scrub found the journal damaged: reads of the ledger would leave out acknowledged history.
    case damaged(JournalDamage)

    /// The answer.
    var response: HTTPResponse {
        var response: HTTPResponse
        switch self {
        case .unauthorized:
            response = WebhookServer.error(
                401, "missing or wrong admin token; send Authorization: Bearer TOKEN (DIR/admin-token)")
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"memberledger\""))
        case .badParameter(let name, let problem):
            response = WebhookServer.error(400, "\(name): \(problem)")
        case .unknownParameter(let name, let accepted):
            let takes = accepted.isEmpty ? "takes no parameters" : "takes \(accepted.joined(separator: ", "))"
            response = WebhookServer.error(400, "\(name): not a parameter of this endpoint, which \(takes)")
        case .notFound(let what):
            response = WebhookServer.error(404, what)
        case .methodNotAllowed:
            response = WebhookServer.methodNotAllowed("GET")
        case .logNotReady(let problem):
            response =
                problem.map { WebhookServer.error(500, $0) }
                ?? WebhookServer.unavailable("the log is being rebuilt from the journal after the start; retry shortly")
        case .busy(let what):
            response = WebhookServer.unavailable(what)
        case .failed(let why):
            response = WebhookServer.error(500, "the journal could not be read: \(why)")
        case .damaged(let damage):
            response = WebhookServer.error(
                503,
                "the scrub found the journal damaged (\(damage)): answers would leave out acknowledged history "
                    + "until an admin repairs it (Docs/recovery.md); /api/journal and /healthz say more")
            response.headers.append(("Retry-After", "300"))
        }
        return response
    }
}
