import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerWebhooks
import Synchronization

/// The webhook server: every request becomes a durable event before it is answered.
///
/// Routes: `/?aal_COMMAND=HANDSHAKE…` (GET or POST) for the fourteen commands, `POST /events` (Bearer
/// handshake) for site events, `GET /healthz`, `GET /metrics`. A request is decoded, its generated values
/// made (password hashing happens here, on the request's own thread, never under the journal's lock),
/// recorded and applied, and only then answered: 200 applied/unchanged/duplicate, 422 rejected by a rule
/// (journaled all the same), 400 malformed, 401 bad handshake (not journaled), 503 when the append queue
/// is full or the journal has stopped. Never 410, which makes ActiveCampaign disable a webhook.
public final class WebhookServer: Sendable {
    private let configuration: ServerConfiguration
    private let ledger: LiveLedger
    private let decoder: WebhookDecoder
    private let metrics = Metrics()
    private let http: Mutex<HTTPServer?> = Mutex(nil)
    private let stopped = Atomic<Bool>(false)
    /// Called once when the journal fails (fail-stop); the process should exit and restart.
    private let onJournalFailure: @Sendable (JournalError) -> Void
    /// Snapshots while running, when configured.
    private let periodicSnapshots: Mutex<PeriodicSnapshots?> = Mutex(nil)
    /// Where the newest snapshot stood at start (0 for none).
    private let snapshotSeqAtStart: Int64
    /// The CRM link, the password spool and the outbox worker.
    private let connector: Connector

    /// Opens the data folder (taking the writer's lock and recovering the journal), rebuilds the live
    /// state from the newest snapshot and the journal, and records the catalog if it changed.
    public init(
        configuration: ServerConfiguration, onJournalFailure: @escaping @Sendable (JournalError) -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        self.onJournalFailure = onJournalFailure
        let writer = try JournalWriter(
            folder: configuration.folder, storage: configuration.storage, clock: configuration.clock)
        let replay = try LedgerReplay(folder: configuration.folder).state()
        for warning in replay.warnings { configuration.accessLog("warning: \(warning)") }
        snapshotSeqAtStart = replay.snapshotSeq ?? 0
        ledger = LiveLedger(writer: writer, state: replay.state)
        // A CRM echoes the password field in its later webhooks: its value must never be kept.
        let passwordFields = [configuration.crm?.connection.passwordField, ledger.read { $0.crm.link?.passwordField }]
        decoder = WebhookDecoder(
            handshake: configuration.handshake, secretFields: Set(passwordFields.compactMap { $0 }))
        if let catalog = configuration.catalog, ledger.read({ $0.catalog }) != catalog {
            let (event, outcome) = try ledger.record(EventDraft(.catalogUpdated(catalog)))
            configuration.accessLog("catalog recorded at seq \(event.seq): \(outcome.status.rawValue)")
        }
        connector = try Connector(configuration: configuration, ledger: ledger)
    }

    /// The CRM the server pulls from and writes back to, in words; nil without a connection.
    public var crmDescription: String? { connector.description }

    /// Starts listening; returns once the port is open.
    public func start() throws {
        let server = HTTPServer(
            configuration: configuration.http,
            handler: { [self] request in handle(request) },
            rejected: { [self] rejection in
                metrics.count("http", status: rejection.status)
                log(
                    remote: rejection.remoteAddress, command: "-", contact: "-", status: rejection.status, seq: nil,
                    latency: 0)
            })
        try server.start()
        http.withLock { $0 = server }
        connector.start { [self] payload in
            if case .success = append(EventDraft(payload)) { return true }
            return false
        }
        guard configuration.snapshotEvery > 0 else { return }
        let snapshots = PeriodicSnapshots(
            every: configuration.snapshotEvery, checkSeconds: configuration.snapshotCheckSeconds,
            headSeq: { [self] in head.seq },
            write: { [self] in
                do {
                    guard let written = try snapshotAtHead() else { return nil }
                    configuration.accessLog("snapshot written at seq \(written.seq)")
                    return written.seq
                } catch {
                    configuration.accessLog("warning: no snapshot written: \(error)")
                    return nil
                }
            })
        periodicSnapshots.withLock { $0 = snapshots }
        snapshots.start(lastSnapshotSeq: snapshotSeqAtStart)
    }

    /// The port listened on.
    public var port: Int { http.withLock { $0?.port ?? 0 } }

    /// Stops accepting, lets in-flight requests finish and answer, and closes the listener. Every
    /// answered event is already durable, so nothing is left to flush.
    public func shutdown() {
        let server = http.withLock { $0 }
        server?.shutdown()
        periodicSnapshots.withLock { $0 }?.stop()
        connector.stop()
    }

    /// The last durable record.
    public var head: JournalHead { ledger.writer.lastRecord }

    /// Writes a snapshot of the live state at the journal's head (after `shutdown`, so that the next
    /// start replays from here instead of from seq 1). Returns its path, or nil with no records.
    @discardableResult
    public func writeSnapshot() throws -> String? {
        try snapshotAtHead()?.path
    }

    /// A snapshot at the durable head, with its seq; nil with no records, or while the live state is
    /// ahead of the head (records queued but not yet durable).
    private func snapshotAtHead() throws -> (path: String, seq: Int64)? {
        let (position, recordOffset) = ledger.writer.position
        guard position.head.seq > 0 else { return nil }
        let state = ledger.read { $0 }
        guard state.lastSeq == position.head.seq else { return nil }
        let path = try SnapshotStore(folder: configuration.folder).write(
            state, at: position, recordOffset: recordOffset)
        return (path, state.lastSeq)
    }

    // MARK: - Routing

    /// Answers one request exactly as the HTTP server hands it over: route, record, count and log it.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let (endpoint, contact, seq, response) = route(request)
        metrics.count(endpoint, status: response.status)
        let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        log(
            remote: request.remoteAddress, command: endpoint, contact: contact, status: response.status, seq: seq,
            latency: latency)
        return response
    }

    private func route(_ request: HTTPRequest) -> (endpoint: String, contact: String, seq: Int64?, HTTPResponse) {
        switch request.path {
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else {
                return ("healthz", "-", nil, Self.methodNotAllowed("GET"))
            }
            let head = ledger.writer.lastRecord
            var fields: [(key: String, value: JSONValue)] = [
                ("status", stopped.load(ordering: .relaxed) ? "stopped" : "ok"), ("seq", .int(head.seq)),
                ("chainHash", .string(head.hash)),
            ]
            if let crm = connector.health(now: configuration.clock()) { fields.append(("crm", crm)) }
            let body: JSONValue = .object(fields)
            return ("healthz", "-", nil, .json(stopped.load(ordering: .relaxed) ? 503 : 200, JSONWriter.bytes(body)))
        case "/metrics":
            guard request.method == "GET" else { return ("metrics", "-", nil, Self.methodNotAllowed("GET")) }
            let counters = ledger.writer.counters
            let text = metrics.render(
                records: counters.records, syncs: counters.syncs, largestBatch: counters.largestBatch,
                syncSeconds: counters.syncSeconds, maxSyncSeconds: counters.maxSyncSeconds,
                head: ledger.writer.lastRecord.seq, extra: connector.metrics(now: configuration.clock()))
            return (
                "metrics", "-", nil,
                HTTPResponse(
                    status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Array(text.utf8))
            )
        case "/events":
            return siteEvent(request)
        case "/admin/outbox/retry", "/admin/password/reset":
            return admin(request)
        case "/":
            return webhook(request)
        default:
            return (
                "-", "-", nil,
                Self.error(
                    404, "no such path \(request.path); webhooks go to /?aal_COMMAND=HANDSHAKE, site events to /events")
            )
        }
    }

    // MARK: - Webhooks

    private func webhook(_ request: HTTPRequest) -> (endpoint: String, contact: String, seq: Int64?, HTTPResponse) {
        let incoming = IncomingRequest(
            method: request.method, target: request.target, headers: request.headers.map { ($0.name, $0.value) },
            body: request.body)
        // Only the fourteen command names become metric labels and log tokens: the raw name is the client's.
        let named = incoming.query.flatMap { query in
            query.split(separator: "&").first { $0.hasPrefix("aal_") }.map { String($0.prefix { $0 != "=" }) }
        }
        let command = named.map { WebhookOperation(rawValue: $0) != nil ? $0 : "aal_unknown" } ?? "-"
        guard request.method == "GET" || request.method == "POST" else {
            return (command, "-", nil, Self.methodNotAllowed("GET, POST"))
        }
        let delivery: WebhookDelivery
        do {
            delivery = try decoder.decode(incoming)
        } catch .unauthorized {
            return (command, "-", nil, Self.error(401, WebhookError.unauthorized.description))
        } catch .noCommand where incoming.query == nil || incoming.body.isEmpty {
            // A CRM checking the URL (Mailchimp's validator GETs it) gets a friendly answer, and nothing is recorded.
            return ("-", "-", nil, Self.error(404, WebhookError.noCommand.description))
        } catch {
            return (command, "-", nil, Self.error(400, error.description))
        }
        let contact = delivery.items.first?.command.contacts.first?.contactID ?? "-"
        var answers: [(Event, Outcome, String?)] = []
        for item in delivery.items {
            switch record(item, request: delivery.request) {
            case .success(let answer): answers.append(answer)
            case .failure(let refusal): return (command, contact, nil, refusal.response)
            }
        }
        let body: JSONValue
        if answers.count == 1, let (event, outcome, password) = answers.first {
            body = Self.answer(event: event, outcome: outcome, password: password)
        } else {
            body = .object([
                ("results", .array(answers.map { Self.answer(event: $0.0, outcome: $0.1, password: $0.2) }))
            ])
        }
        let allRejected = answers.allSatisfy { $0.1.status == .rejected }
        return (command, contact, answers.last?.0.seq, .json(allRejected ? 422 : 200, JSONWriter.bytes(body)))
    }

    /// Generates values, records the command, and returns the event, its outcome and any new password.
    private func record(
        _ item: WebhookDelivery.Item, request: RawRequest
    ) -> Result<(Event, Outcome, String?), Refusal> {
        let contactID = item.command.contacts.first?.contactID ?? ""
        let newMember = item.command.operation == .genpass && ledger.read { $0.member(contactID) == nil }
        var generator = SystemRandomNumberGenerator()
        let generated = Recorder.generate(
            for: item.command, newMember: newMember, iterations: configuration.passwordIterations, using: &generator)
        let draft = EventDraft(
            .webhookReceived(WebhookReceived(command: item.command, generated: generated.values, request: request)),
            fingerprint: Recorder.fingerprint(of: item.command, idempotencyKey: item.idempotencyKey))
        // The CRM gets the password later, from the spool: it is durable before the event that sets its hash,
        // so an answer lost on the way never leaves a password nobody can deliver.
        var spooledHash: String?
        if let password = generated.password, let hash = generated.values.passwordHash, connector.keepsPasswords {
            do throws(SystemError) {
                try connector.spool(password, hash: hash, contactID: contactID)
                spooledHash = hash
            } catch {
                return .failure(
                    Refusal(Self.unavailable("the new password could not be kept for the CRM (\(error)); retry later")))
            }
        }
        let result = append(draft).map { event, outcome in
            let created =
                outcome.status == Outcome.Status.applied
                && outcome.effects.contains(Effect.passwordSet(contactID: contactID))
            return (event, outcome, created ? generated.password : nil)
        }
        // Kept when the append failed: a slow disk may still record it; the spool's sweep removes it if not.
        if let spooledHash, case .success(let answer) = result, answer.2 == nil { connector.discard(hash: spooledHash) }
        return result
    }

    /// Appends under backpressure: a full queue or a stopped journal is answered 503 at once.
    private func append(_ draft: EventDraft) -> Result<(Event, Outcome), Refusal> {
        if stopped.load(ordering: .relaxed) {
            return .failure(
                Refusal(Self.unavailable("the journal has stopped after a write failure; the server must be restarted"))
            )
        }
        let depth = metrics.pendingAppends.wrappingAdd(1, ordering: .relaxed).newValue
        defer { metrics.pendingAppends.wrappingSubtract(1, ordering: .relaxed) }
        guard depth <= configuration.maxPendingAppends else {
            return .failure(Refusal(Self.unavailable("too many requests are waiting to be recorded; retry shortly")))
        }
        do throws(JournalError) {
            let recorded = try ledger.record(draft, timeout: configuration.durabilityTimeout)
            connector.queued(recorded.outcome)
            return .success(recorded)
        } catch .stillWriting {
            return .failure(
                Refusal(Self.unavailable("the disk is slow and the request is not recorded yet; retry shortly")))
        } catch .recordTooLarge(let bytes, let limit) {
            return .failure(
                Refusal(Self.error(413, JournalError.recordTooLarge(bytes: bytes, limit: limit).description)))
        } catch {
            if !stopped.exchange(true, ordering: .relaxed) { onJournalFailure(error) }
            return .failure(
                Refusal(Self.unavailable("the journal could not record the request (\(error)); retry later")))
        }
    }

    // MARK: - Site events

    private func siteEvent(_ request: HTTPRequest) -> (endpoint: String, contact: String, seq: Int64?, HTTPResponse) {
        guard request.method == "POST" else { return ("events", "-", nil, Self.methodNotAllowed("POST")) }
        guard bearerHoldsHandshake(request) else {
            return ("events", "-", nil, Self.error(401, "missing or wrong Authorization: Bearer HANDSHAKE"))
        }
        let posted: SiteEventRequest
        do {
            let json = try JSONParser.parse(request.body)
            posted = try SiteEventRequest(json: json)
        } catch let error as JSONError {
            return ("events", "-", nil, Self.error(400, "JSON body: \(error)"))
        } catch {
            return ("events", "-", nil, Self.error(400, "\(error)"))
        }
        let endpoint = posted.payload.typeName
        if case .catalogUpdated(let catalog) = posted.payload {
            do throws(CatalogError) {
                try catalog.validate()
            } catch {
                return (endpoint, "-", nil, Self.error(400, error.description))
            }
        }
        let key = posted.idempotencyKey ?? request.headers["Idempotency-Key"] ?? request.headers["webhook-id"]
        let draft = EventDraft(
            posted.payload.withoutSecretFields, fingerprint: key.map(Fingerprint.of(idempotencyKey:)),
            occurredAt: posted.occurredAt)
        let contact = posted.payload.contactIDs.first ?? "-"
        switch append(draft) {
        case .success(let (event, outcome)):
            let body = Self.answer(event: event, outcome: outcome, password: nil)
            return (
                endpoint, contact, event.seq,
                .json(outcome.status == Outcome.Status.rejected ? 422 : 200, JSONWriter.bytes(body))
            )
        case .failure(let refusal):
            return (endpoint, contact, nil, refusal.response)
        }
    }

    /// Whether the request carries `Authorization: Bearer HANDSHAKE` (compared in constant time).
    private func bearerHoldsHandshake(_ request: HTTPRequest) -> Bool {
        let authorization = request.headers["Authorization"] ?? ""
        let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
        return ConstantTime.equals(Array(token.utf8), Array(configuration.handshake.utf8))
    }

    // MARK: - Admin actions

    /// `POST /admin/outbox/retry` (`{"items":[3]}` or `{"all":true}`) and `POST /admin/password/reset`
    /// (`{"contactId":"42"}`), Bearer handshake: what `memberledger outbox retry` and `password reset` send
    /// when this server holds the writer's lock.
    private func admin(_ request: HTTPRequest) -> (endpoint: String, contact: String, seq: Int64?, HTTPResponse) {
        guard request.method == "POST" else { return ("admin", "-", nil, Self.methodNotAllowed("POST")) }
        guard bearerHoldsHandshake(request) else {
            return ("admin", "-", nil, Self.error(401, "missing or wrong Authorization: Bearer HANDSHAKE"))
        }
        guard let json = try? JSONParser.parse(request.body) else {
            return ("admin", "-", nil, Self.error(400, "the body must be a JSON object"))
        }
        var password: String?
        let draft: EventDraft
        var contact = "-"
        if request.path == "/admin/outbox/retry" {
            guard let retry = AdminRequest.outboxRetry(json: json) else {
                return ("admin", "-", nil, Self.error(400, "the body must be {\"items\":[ID, ...]} or {\"all\":true}"))
            }
            draft = EventDraft(.outboxRetryRequested(retry))
        } else {
            guard let id = json["contactId"]?.stringValue, !id.isEmpty else {
                return ("admin", "-", nil, Self.error(400, "the body must be {\"contactId\":\"ID\"}"))
            }
            contact = id
            guard ledger.read({ $0.member(id) != nil }) else {
                return ("admin", id, nil, Self.error(404, Reason.unknownMember(contactID: id).description))
            }
            do throws(SystemError) {
                let reset = try AdminRequest.passwordReset(
                    contactID: id, iterations: configuration.passwordIterations,
                    spool: connector.keepsPasswords ? PasswordSpool(folder: configuration.folder) : nil,
                    now: configuration.clock())
                draft = reset.draft
                // Answered only when the CRM will not receive it: the admin must then hand it over.
                password = connector.keepsPasswords ? nil : reset.password
            } catch {
                return ("admin", id, nil, Self.unavailable("the new password could not be spooled (\(error))"))
            }
        }
        switch append(draft) {
        case .success(let (event, outcome)):
            let body = Self.answer(event: event, outcome: outcome, password: password)
            return (
                "admin", contact, event.seq,
                .json(outcome.status == Outcome.Status.rejected ? 422 : 200, JSONWriter.bytes(body))
            )
        case .failure(let refusal):
            return ("admin", contact, nil, refusal.response)
        }
    }

    // MARK: - Answers

    static func answer(event: Event, outcome: Outcome, password: String?) -> JSONValue {
        guard case .object(var fields) = outcome.json(seq: event.seq) else {
            preconditionFailure("outcomes are objects")
        }
        if let password { fields.append(("password", .string(password))) }
        return .object(fields)
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, JSONWriter.bytes(.object([("error", .string(message))])))
    }

    static func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = error(405, "method not allowed; use \(allowed)")
        response.headers.append(("Allow", allowed))
        return response
    }

    static func unavailable(_ message: String) -> HTTPResponse {
        var response = error(503, message)
        response.headers.append(("Retry-After", "1"))
        return response
    }

    /// An answer that ends a request early (backpressure, a stopped journal), as a `Result` failure.
    struct Refusal: Error {
        let response: HTTPResponse
        init(_ response: HTTPResponse) { self.response = response }
    }

    private func log(remote: String, command: String, contact: String, status: Int, seq: Int64?, latency: Double) {
        let time = configuration.clock().rfc3339
        configuration.accessLog(
            "\(time) \(remote) \(Self.loggable(command)) contact=\(Self.loggable(contact)) status=\(status) "
                + "seq=\(seq.map(String.init) ?? "-") \(Self.tenths(latency))ms")
    }

    /// Milliseconds with one decimal, as `%.1f` prints them (Foundation's formatter is slow on this path).
    static func tenths(_ milliseconds: Double) -> String {
        let tenths = Int((milliseconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// A value as one log token: control characters and spaces become `_` (a contact id cannot forge a log
    /// line), and it is cut to 64 characters.
    static func loggable(_ value: String) -> String {
        String(
            String.UnicodeScalarView(
                value.unicodeScalars.prefix(64).map { $0.value <= 0x20 || $0.value == 0x7F ? "_" : $0 }))
    }
}
