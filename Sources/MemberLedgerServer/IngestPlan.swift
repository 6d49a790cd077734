import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerWebhooks

/// What an ingest request (a webhook to `/`, a site event to `/events`) is to do, decided from the
/// request alone: no I/O, no ledger state, no clock. The server carries the plan out (generate values,
/// record durably, answer); tests check every decision here without a socket or a journal.
///
/// Only the fourteen command names (or `aal_unknown`) and the site event types become endpoints, the
/// words that metric labels and log lines use: the raw names are the client's.
enum IngestPlan: Sendable {
    /// Answer at once; nothing is recorded (wrong method, bad handshake, no command, malformed).
    case refuse(endpoint: String, response: HTTPResponse)
    /// Record the delivery's commands in order, each once the one before is durable. `offLoop` when one
    /// makes a password: PBKDF2 and the password spool's fsync must stay off the event loops.
    case webhook(endpoint: String, contact: String, delivery: WebhookDelivery, offLoop: Bool)
    /// Record one site event.
    case siteEvent(endpoint: String, contact: String, draft: EventDraft)

    /// The plan for a request to `/` (webhooks) or `/events` (site events, `Authorization: Bearer
    /// HANDSHAKE`).
    init(_ request: HTTPRequest, decoder: WebhookDecoder, handshake: String) {
        self =
            request.path == "/events" ? Self.siteEvent(request, handshake: handshake) : Self.webhook(request, decoder)
    }

    private static func webhook(_ request: HTTPRequest, _ decoder: WebhookDecoder) -> IngestPlan {
        let incoming = IncomingRequest(
            method: request.method, target: request.target, headers: request.headers.map { ($0.name, $0.value) },
            body: request.body)
        let named = incoming.query.flatMap { query in
            query.split(separator: "&").first { $0.hasPrefix("aal_") }.map { String($0.prefix { $0 != "=" }) }
        }
        let command = named.map { WebhookOperation(rawValue: $0) != nil ? $0 : "aal_unknown" } ?? "-"
        guard request.method == "GET" || request.method == "POST" else {
            return .refuse(endpoint: command, response: WebhookServer.methodNotAllowed("GET, POST"))
        }
        let delivery: WebhookDelivery
        do {
            delivery = try decoder.decode(incoming)
        } catch .unauthorized {
            return .refuse(endpoint: command, response: WebhookServer.error(401, WebhookError.unauthorized.description))
        } catch .noCommand {
            // No `aal_*` key, whatever the body: a CRM checking the URL (Mailchimp's validator GETs it) gets a
            // friendly 404, as Docs/http.md says, and nothing is recorded.
            return .refuse(endpoint: "-", response: WebhookServer.error(404, WebhookError.noCommand.description))
        } catch {
            return .refuse(endpoint: command, response: WebhookServer.error(400, error.description))
        }
        let contact = delivery.items.first?.command.contacts.first?.contactID ?? "-"
        let makesPassword = delivery.items.contains { $0.command.operation == .genpass }
        return .webhook(endpoint: command, contact: contact, delivery: delivery, offLoop: makesPassword)
    }

    private static func siteEvent(_ request: HTTPRequest, handshake: String) -> IngestPlan {
        func refuse(_ endpoint: String, _ response: HTTPResponse) -> IngestPlan {
            .refuse(endpoint: endpoint, response: response)
        }
        guard request.method == "POST" else { return refuse("events", WebhookServer.methodNotAllowed("POST")) }
        guard WebhookServer.bearer(of: request, holds: handshake) else {
            return refuse("events", WebhookServer.error(401, "missing or wrong Authorization: Bearer HANDSHAKE"))
        }
        let posted: SiteEventRequest
        do {
            posted = try SiteEventRequest(json: try JSONParser.parse(request.body))
        } catch let error as JSONError {
            return refuse("events", WebhookServer.error(400, "JSON body: \(error)"))
        } catch let error as EventDecodingError {
            return refuse("events", WebhookServer.error(400, WebhookServer.withoutInput(error)))
        } catch {
            return refuse("events", WebhookServer.error(400, "the body is not a site event"))
        }
        let endpoint = posted.payload.typeName
        if case .catalogUpdated(let catalog) = posted.payload {
            do throws(CatalogError) {
                try catalog.validate()
            } catch {
                return refuse(endpoint, WebhookServer.error(400, error.withoutInput))
            }
        }
        let key = posted.idempotencyKey ?? request.headers["Idempotency-Key"] ?? request.headers["webhook-id"]
        let draft = EventDraft(
            posted.payload.withoutSecretFields, fingerprint: key.map(Fingerprint.of(idempotencyKey:)),
            occurredAt: posted.occurredAt)
        return .siteEvent(endpoint: endpoint, contact: posted.payload.contactIDs.first ?? "-", draft: draft)
    }
}
