import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerQuery
import MemberLedgerSystem
import MemberLedgerWebhooks
import Synchronization

/// The webhook server: every request becomes a durable event before it is answered.
///
/// Routes: `/?aal_COMMAND=HANDSHAKE…` (GET or POST) for the fourteen commands, `POST /events` (Bearer
/// handshake) for site events, `GET /healthz`, `GET /metrics`, and the read API `GET /api/…` (Bearer admin
/// token; `ReadAPI`), answered from a `ReadModel` that the journal's durable records keep current, and
/// the console (`/console/`, `Console`). A webhook or site event goes router → `IngestPlan` (pure: refuse,
/// or what to record and whether off the loop) → effects (generate, record, answer), with the access log
/// and metrics around it. A request is decoded on its event loop,
/// its generated values made (a genpass's password is hashed on a bounded pool off the loops, never
/// under the journal's lock), recorded and applied, and answered once the group commit has made it
/// durable (a callback, not a waiting thread): 200 applied/unchanged/duplicate, 422 rejected by a rule
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
    /// Hashes new members' passwords (and spools them) off the event loops; full, a genpass is answered 503.
    private let hashing: WorkPool
    /// The read API and the live feed.
    private let api: ReadAPI
    /// The admin console's pages and sessions.
    private let console: Console
    /// The console's "verify now".
    private let verification: JournalVerification
    /// Answers 503 for appends the disk has not made durable within `durabilityTimeout`.
    private let deadlines: DurabilityDeadlines<AnswerOnce<Result<(Event, Outcome), Refusal>>>

    /// Opens the data folder (taking the writer's lock and recovering the journal), rebuilds the live
    /// state from the newest snapshot and the journal, and records the catalog if it changed.
    public init(
        configuration: ServerConfiguration, onJournalFailure: @escaping @Sendable (JournalError) -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        self.onJournalFailure = onJournalFailure
        let writer = try JournalWriter(
            folder: configuration.folder, storage: configuration.storage, clock: configuration.clock)
        // What recovery did at opening is said once, in the log: a torn tail cut, snapshots set aside.
        if let recovered = writer.recovered { configuration.accessLog("recovered: \(recovered)") }
        for moved in writer.snapshotsQuarantined { configuration.accessLog("recovered: \(moved)") }
        let replay = try LedgerReplay(folder: configuration.folder).state()
        for warning in replay.warnings { configuration.accessLog("warning: \(warning)") }
        snapshotSeqAtStart = replay.snapshotSeq ?? 0
        // The read side follows the writer from its first record on: the catalog below is its first.
        let model = ReadModel(folder: configuration.folder, state: replay.state, head: writer.lastRecord)
        model.follow(writer)
        ledger = LiveLedger(writer: writer, state: replay.state)
        // A CRM echoes the password field in its later webhooks: its value must never be kept.
        let passwordFields = [configuration.crm?.connection.passwordField, ledger.read { $0.crm.link?.passwordField }]
        decoder = WebhookDecoder(
            handshake: configuration.handshake, secretFields: Set(passwordFields.compactMap { $0 }))
        if let catalog = configuration.catalog, ledger.read({ $0.catalog }) != catalog {
            let (event, outcome) = try ledger.record(EventDraft(.catalogUpdated(catalog)))
            configuration.accessLog("catalog recorded at seq \(event.seq): \(outcome.status.rawValue)")
        }
        let connector = try Connector(configuration: configuration, ledger: ledger)
        self.connector = connector
        let clock = configuration.clock
        let console = Console(token: configuration.adminToken, behindProxy: configuration.behindProxy)
        let verification = JournalVerification(folder: configuration.folder, clock: configuration.clock) {
            [writer] damage in
            // Nothing may be appended after a hole: writes stop until the journal is repaired.
            writer.halt(damage)
            let message = "the scrub found the journal damaged: \(damage); writes stopped (see Docs/recovery.md)"
            configuration.accessLog("error: \(message)")
        }
        self.console = console
        self.verification = verification
        api = ReadAPI(
            model: model, token: configuration.adminToken, heartbeatSeconds: configuration.streamHeartbeatSeconds,
            console: console, handshake: configuration.handshake,
            journal: { Self.journalFigures(writer: writer, model: model, verification: verification) },
            durable: {
                let position = writer.position.position
                return (position.offset, position.head, position.journalID)
            },
            damage: { verification.damage },
            crm: { connector.health(now: clock()) })
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // Below the loops' priority: a genpass burst (80 ms of PBKDF2 each) must not hold up the updateusers
        // beside it, yet uses every core the loops leave idle.
        hashing = WorkPool(threads: cores, queueLimit: 16 * cores, name: "password-hashing", niceness: 10)
        deadlines = DurabilityDeadlines(seconds: configuration.durabilityTimeout) { once in
            once.give(.failure(Self.slowDisk))
        }
    }

    /// The CRM the server pulls from and writes back to, in words; nil without a connection.
    public var crmDescription: String? { connector.description }

    /// Starts listening; returns once the port is open.
    public func start() throws {
        let server = HTTPServer(
            configuration: configuration.http,
            respond: { [self] request, responder in handle(request, responder) },
            rejected: { [self] rejection in
                metrics.count("http", status: rejection.status)
                log(
                    remote: rejection.remoteAddress, command: "-", contact: "-", status: rejection.status, seq: nil,
                    latency: 0)
            })
        try server.start()
        http.withLock { $0 = server }
        api.listening(at: "http://\(configuration.http.host):\(server.port)")
        api.model.rebuildHistory()
        verification.schedule(every: configuration.scrubInterval, bytesPerSecond: configuration.scrubBytesPerSecond)
        connector.start { [self] payload in
            if case .success = appendWaiting(EventDraft(payload)) { return true }
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
        verification.stop()
        connector.stop()
        hashing.stop()
        deadlines.stop()
        api.stop()
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
        // A journal the scrub found damaged backs no new snapshot: it would vouch for a head `verify` rejects.
        guard position.head.seq > 0, verification.damage == nil else { return nil }
        let state = ledger.read { $0 }
        guard state.lastSeq == position.head.seq else { return nil }
        let path = try SnapshotStore(folder: configuration.folder).write(
            state, at: position, recordOffset: recordOffset)
        return (path, state.lastSeq)
    }

    // MARK: - Routing

    /// What a request came to: the endpoint and contact for the log and metrics, the seq recorded, and
    /// the answer.
    typealias Routed = (endpoint: String, contact: String, seq: Int64?, response: HTTPResponse)
    /// Where a route sends what its request came to, now or once the journal made it durable: as a
    /// closure that makes it, run on the connection's event loop (never on the journal's flusher, which
    /// must get back to the disk).
    typealias Finish = @Sendable (@escaping @Sendable () -> Routed) -> Void

    /// Answers one request as the event loop hands it over: route, record, count and log it, and answer
    /// through `responder` once the request is durable. Runs on the loop's thread and never blocks it:
    /// hashing a new member's password runs on the hashing pool, waiting for the disk is a callback.
    func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let started = DispatchTime.now().uptimeNanoseconds
        let remote = request.remoteAddress
        if request.path == "/api/stream" {
            // A stream answers by itself and goes on; it is logged when it opens.
            let status = api.stream(request, responder)
            metrics.count("api/stream", status: status)
            return log(remote: remote, command: "api/stream", contact: "-", status: status, seq: nil, latency: 0)
        }
        route(request) { [self] make in
            responder.onLoop { [self] in
                let routed = make()
                metrics.count(routed.endpoint, status: routed.response.status)
                let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                log(
                    remote: remote, command: routed.endpoint, contact: routed.contact,
                    status: routed.response.status, seq: routed.seq, latency: latency)
                responder.respond(routed.response)
            }
        }
    }

    /// Answers one request and waits for the answer: for tools and benchmarks that hold a request in
    /// memory. The server itself never waits.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let answered = DispatchSemaphore(value: 0)
        let answer = Mutex<HTTPResponse?>(nil)
        route(request) { make in
            answer.withLock { $0 = make().response }
            answered.signal()
        }
        answered.wait()
        return answer.withLock { $0! }
    }

    private func route(_ request: HTTPRequest, _ finish: @escaping Finish) {
        switch request.path {
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else {
                return finish { ("healthz", "-", nil, Self.methodNotAllowed("GET")) }
            }
            let head = ledger.writer.lastRecord
            let damaged = verification.damage != nil
            let healthy = !damaged && !stopped.load(ordering: .relaxed)
            var fields: [(key: String, value: JSONValue)] = [
                ("status", .string(damaged ? "damaged" : healthy ? "ok" : "stopped")), ("seq", .int(head.seq)),
                ("chainHash", .string(head.hash)), ("scrub", verification.json),
            ]
            if let crm = connector.health(now: configuration.clock()) { fields.append(("crm", crm)) }
            let body: JSONValue = .object(fields)
            let status = healthy ? 200 : 503
            finish { ("healthz", "-", nil, .json(status, JSONWriter.bytes(body))) }
        case "/metrics":
            guard request.method == "GET" else { return finish { ("metrics", "-", nil, Self.methodNotAllowed("GET")) } }
            let counters = ledger.writer.counters
            let text = metrics.render(
                records: counters.records, syncs: counters.syncs, largestBatch: counters.largestBatch,
                syncSeconds: counters.syncSeconds, maxSyncSeconds: counters.maxSyncSeconds,
                head: ledger.writer.lastRecord.seq,
                extra: connector.metrics(now: configuration.clock()) + verification.metrics)
            finish {
                (
                    "metrics", "-", nil,
                    HTTPResponse(
                        status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Array(text.utf8))
                )
            }
        case "/events", "/":
            ingest(request, finish)
        case "/admin/outbox/retry", "/admin/password/reset":
            // A reset hashes a new password: off the loop, like a genpass.
            offLoop(endpoint: "admin", finish) { [self] in admin(request, finish) }
        case let path where path.hasPrefix("/api/"):
            api.route(request, finish)
        case let path where path.hasPrefix("/console/actions/"):
            consoleAction(request, finish)
        case let path where path == "/console" || path.hasPrefix("/console/"):
            let response = console.respond(request)
            finish { ("console", "-", nil, response) }
        default:
            finish {
                (
                    "-", "-", nil,
                    Self.error(
                        404,
                        "no such path; webhooks go to /?aal_COMMAND=HANDSHAKE, site events to /events"
                    )
                )
            }
        }
    }

    /// Runs `work` on the hashing pool; a full pool is answered 503 at once.
    private func offLoop(endpoint: String, _ finish: @escaping Finish, _ work: @escaping @Sendable () -> Void) {
        guard hashing.submit(work) else {
            return finish {
                (endpoint, "-", nil, Self.unavailable("too many passwords are being hashed right now; retry shortly"))
            }
        }
    }

    /// `/api/journal`: the durable head, the journal's size, snapshots, quarantined files and fsync figures.
    private static func journalFigures(
        writer: JournalWriter, model: ReadModel, verification: JournalVerification
    ) -> JSONValue {
        let folder = writer.folder
        let head = model.head
        let counters = writer.counters
        let size = (try? FileDescriptor.open(folder.journal, O_RDONLY)).map { file in
            defer { file.close() }
            return (try? file.size()) ?? 0
        }
        let snapshots: [JSONValue] = SnapshotStore(folder: folder).list().map { listing in
            .object([
                ("seq", .int(listing.seq)), ("path", .string(listing.path)), ("stateDigest", .string(listing.digest)),
                ("problem", listing.problem.map { .string($0) } ?? .null),
            ])
        }
        let quarantined = ((try? FileSystem.contents(of: folder.quarantine)) ?? []).sorted().map {
            JSONValue.string("\(folder.quarantine)/\($0)")
        }
        let meanSync = counters.syncs > 0 ? counters.syncSeconds / Double(counters.syncs) : 0
        let fsync: JSONValue = .object([
            ("syncs", .int(counters.syncs)), ("records", .int(counters.records)),
            ("meanMilliseconds", .number(tenths(meanSync * 1000))),
            ("maxMilliseconds", .number(tenths(counters.maxSyncSeconds * 1000))),
        ])
        let headObject: JSONValue = .object([("seq", .int(head.seq)), ("chainHash", .string(head.hash))])
        return .object([
            ("path", .string(folder.journal)), ("journalId", .string(writer.journalID)), ("head", headObject),
            ("bytes", .int(size ?? 0)), ("snapshots", .array(snapshots)), ("quarantine", .array(quarantined)),
            ("fsync", fsync), ("verification", verification.json),
        ])
    }

    // MARK: - Webhooks

    /// Carries out the plan for a webhook or a site event: refuse it, or generate values (a genpass's
    /// password on the hashing pool, off the loop), record and answer once durable.
    private func ingest(_ request: HTTPRequest, _ finish: @escaping Finish) {
        switch IngestPlan(request, decoder: decoder, handshake: configuration.handshake) {
        case .refuse(let endpoint, let response):
            finish { (endpoint, "-", nil, response) }
        case .siteEvent(let endpoint, let contact, let draft):
            recordAndAnswer(draft, endpoint: endpoint, contact: contact, finish)
        case .webhook(let endpoint, let contact, let delivery, let makesPassword):
            let answer: @Sendable (Result<[(Event, Outcome, String?)], Refusal>) -> Void = { result in
                switch result {
                case .failure(let refusal): finish { (endpoint, contact, nil, refusal.response) }
                case .success(let answers): finish { (endpoint, contact, answers.last?.0.seq, Self.answer(answers)) }
                }
            }
            guard makesPassword else { return record(delivery.items[...], request: delivery.request, answer) }
            offLoop(endpoint: endpoint, finish) { [self] in
                record(delivery.items[...], request: delivery.request, answer)
            }
        }
    }

    /// The body for a delivery's recorded items: one outcome, or `results` for a batch; 422 when a rule
    /// rejected every item.
    static func answer(_ answers: [(Event, Outcome, String?)]) -> HTTPResponse {
        let body: JSONValue
        if answers.count == 1, let (event, outcome, password) = answers.first {
            body = Self.answer(event: event, outcome: outcome, password: password)
        } else {
            body = .object([
                ("results", .array(answers.map { Self.answer(event: $0.0, outcome: $0.1, password: $0.2) }))
            ])
        }
        let allRejected = answers.allSatisfy { $0.1.status == .rejected }
        return .json(allRejected ? 422 : 200, JSONWriter.bytes(body))
    }

    /// Records the items one after another, each once the one before is durable, and answers with all of
    /// them; the first refusal answers alone.
    private func record(
        _ items: ArraySlice<WebhookDelivery.Item>, request: RawRequest, recorded: [(Event, Outcome, String?)] = [],
        _ answer: @escaping @Sendable (Result<[(Event, Outcome, String?)], Refusal>) -> Void
    ) {
        guard let item = items.first else { return answer(.success(recorded)) }
        record(item, request: request) { [self] result in
            switch result {
            case .failure(let refusal): answer(.failure(refusal))
            case .success(let one): record(items.dropFirst(), request: request, recorded: recorded + [one], answer)
            }
        }
    }

    /// Generates values, records the command, and hands on the event, its outcome and any new password
    /// once durable.
    private func record(
        _ item: WebhookDelivery.Item, request: RawRequest,
        _ then: @escaping @Sendable (Result<(Event, Outcome, String?), Refusal>) -> Void
    ) {
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
                return then(
                    .failure(
                        Refusal(
                            Self.unavailable("the new password could not be kept for the CRM (\(error)); retry later"))
                    ))
            }
        }
        let password = generated.password
        append(draft) { [connector, spooledHash] result in
            let answer = result.map { event, outcome in
                let created =
                    outcome.status == Outcome.Status.applied
                    && outcome.effects.contains(Effect.passwordSet(contactID: contactID))
                return (event, outcome, created ? password : nil)
            }
            // Kept when the append failed: a slow disk may still record it; the spool's sweep removes it if not.
            if let spooledHash, case .success(let recorded) = answer, recorded.2 == nil {
                connector.discard(hash: spooledHash)
            }
            then(answer)
        }
    }

    /// Appends under backpressure and hands on the event and its outcome once durable: a full queue or a
    /// stopped journal is refused (503) at once, a disk slower than `durabilityTimeout` is answered 503
    /// then (the record may still land; the sender's retry is then a duplicate).
    private func append(
        _ draft: EventDraft, _ then: @escaping @Sendable (Result<(Event, Outcome), Refusal>) -> Void
    ) {
        if let refusal = admission() { return then(.failure(refusal)) }
        let once = AnswerOnce(then)
        do throws(JournalError) {
            try ledger.recordWithoutWaiting(draft) { [self] event, outcome, failure in
                metrics.pendingAppends.wrappingSubtract(1, ordering: .relaxed)
                if let failure {
                    once.give(.failure(refused(by: failure)))
                } else {
                    connector.queued(outcome)
                    once.give(.success((event, outcome)))
                }
            }
        } catch {
            metrics.pendingAppends.wrappingSubtract(1, ordering: .relaxed)
            return once.give(.failure(refused(by: error)))
        }
        deadlines.add(once)
    }

    /// Appends under backpressure and waits until durable (the connector's events, the catalog).
    private func appendWaiting(_ draft: EventDraft) -> Result<(Event, Outcome), Refusal> {
        if let refusal = admission() { return .failure(refusal) }
        defer { metrics.pendingAppends.wrappingSubtract(1, ordering: .relaxed) }
        do throws(JournalError) {
            let recorded = try ledger.record(draft, timeout: configuration.durabilityTimeout)
            connector.queued(recorded.outcome)
            return .success(recorded)
        } catch {
            return .failure(refused(by: error))
        }
    }

    /// Takes a place in the append queue, or the refusal when the journal has stopped or the queue is full.
    private func admission() -> Refusal? {
        if let damage = verification.damage { return Self.damaged(damage) }
        if stopped.load(ordering: .relaxed) {
            return Refusal(
                Self.unavailable("the journal has stopped after a write failure; the server must be restarted"))
        }
        let depth = metrics.pendingAppends.wrappingAdd(1, ordering: .relaxed).newValue
        guard depth <= configuration.maxPendingAppends else {
            metrics.pendingAppends.wrappingSubtract(1, ordering: .relaxed)
            return Refusal(Self.unavailable("too many requests are waiting to be recorded; retry shortly"))
        }
        return nil
    }

    /// What is wrong with a posted site event, in words that quote none of it.
    static func withoutInput(_ error: EventDecodingError) -> String {
        switch error {
        case .invalidJSON(let error): "JSON body: \(error)"
        case .shape(let error): "event \(error.withoutInput)"
        case .unsupportedVersion: error.description
        case .unknownType: "event type is none of \(SiteEventRequest.types.joined(separator: ", "))"
        }
    }

    /// The answer to an append the disk has not made durable in time (the record may still land).
    private static let slowDisk = Refusal(
        unavailable("the disk is slow and the request is not recorded yet; retry shortly"))

    /// The answer to a journal error; a failed write or sync stops the journal (fail-stop) once.
    /// The refusal while a scrub's damage stands: nothing is appended after a hole. Only an admin can end
    /// it, so the sender is asked to wait minutes, not a second.
    private static func damaged(_ damage: JournalDamage) -> Refusal {
        var response = error(
            503,
            "the journal is damaged at seq \(damage.corruptSeq), byte \(damage.offset); writes are stopped until "
                + "an admin repairs it")
        response.headers.append(("Retry-After", "300"))
        return Refusal(response)
    }

    private func refused(by error: JournalError) -> Refusal {
        switch error {
        case .stillWriting:
            return Self.slowDisk
        case .recordTooLarge(let bytes, let limit):
            return Refusal(Self.error(413, JournalError.recordTooLarge(bytes: bytes, limit: limit).description))
        case .corrupt(let damage):
            return Self.damaged(damage)
        default:
            if !stopped.exchange(true, ordering: .relaxed) { onJournalFailure(error) }
            return Refusal(Self.unavailable("the journal could not record the request (\(error)); retry later"))
        }
    }

    /// Appends a draft and finishes with its outcome (422 when a rule rejected it), or the refusal.
    private func recordAndAnswer(
        _ draft: EventDraft, endpoint: String, contact: String, password: String? = nil, _ finish: @escaping Finish
    ) {
        append(draft) { result in
            switch result {
            case .success(let (event, outcome)):
                let body = Self.answer(event: event, outcome: outcome, password: password)
                finish {
                    (
                        endpoint, contact, event.seq,
                        .json(outcome.status == Outcome.Status.rejected ? 422 : 200, JSONWriter.bytes(body))
                    )
                }
            case .failure(let refusal):
                finish { (endpoint, contact, nil, refusal.response) }
            }
        }
    }

    /// Whether the request carries `Authorization: Bearer SECRET` (compared in constant time).
    static func bearer(of request: HTTPRequest, holds secret: String) -> Bool {
        let authorization = request.headers["Authorization"] ?? ""
        let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
        return ConstantTime.equals(Array(token.utf8), Array(secret.utf8))
    }

    // MARK: - Console actions

    /// `POST /console/actions/verify`, `…/snapshot`, `…/retry[?item=N]`: the console's only state-changing
    /// actions besides login, each checked for a session, this origin and the CSRF token.
    private func consoleAction(_ request: HTTPRequest, _ finish: @escaping Finish) {
        if let refusal = console.refusal(ofAction: request) { return finish { ("console", "-", nil, refusal) } }
        let answer: @Sendable (Int, String) -> Void = { status, message in
            var response = Self.error(status, message)
            if status < 300 { response = .json(status, JSONWriter.bytes(.object([("message", .string(message))]))) }
            response.headers.append(("Cache-Control", "no-store"))
            let made = response
            finish { ("console", "-", nil, made) }
        }
        switch request.path {
        case "/console/actions/verify":
            let started = verification.start()
            answer(started ? 202 : 409, started ? "verification started" : "a verification is running already")
        case "/console/actions/snapshot":
            offLoop(endpoint: "console", finish) { [self] in
                do {
                    guard let written = try snapshotAtHead() else {
                        return answer(409, "no snapshot: no records yet, or records still being written; retry")
                    }
                    configuration.accessLog("snapshot written at seq \(written.seq)")
                    answer(200, "snapshot written at seq \(written.seq)")
                } catch {
                    answer(500, "no snapshot written: \(error)")
                }
            }
        case "/console/actions/retry":
            let parameters: APIParameters
            let item: Int64?
            do throws(APIError) {
                parameters = try APIParameters(request.query, accepted: ["item"])
                item = try parameters.integer("item", in: 1...Int64.max)
            } catch {
                return finish { ("console", "-", nil, error.response) }
            }
            // No `item` retries every dead letter; a bad one is refused, never read as "all".
            let retry = item.map { OutboxRetry(items: [$0]) } ?? OutboxRetry(all: true)
            recordAndAnswer(EventDraft(.outboxRetryRequested(retry)), endpoint: "console", contact: "-", finish)
        default:
            finish { ("console", "-", nil, Self.error(404, "no such console action")) }
        }
    }

    // MARK: - Admin actions

    /// `POST /admin/outbox/retry` (`{"items":[3]}` or `{"all":true}`) and `POST /admin/password/reset`
    /// (`{"contactId":"42"}`), Bearer handshake: what `memberledger outbox retry` and `password reset` send
    /// when this server holds the writer's lock. Runs on the hashing pool.
    private func admin(_ request: HTTPRequest, _ finish: @escaping Finish) {
        guard request.method == "POST" else { return finish { ("admin", "-", nil, Self.methodNotAllowed("POST")) } }
        guard Self.bearer(of: request, holds: configuration.handshake) else {
            return finish { ("admin", "-", nil, Self.error(401, "missing or wrong Authorization: Bearer HANDSHAKE")) }
        }
        guard let json = try? JSONParser.parse(request.body) else {
            return finish { ("admin", "-", nil, Self.error(400, "the body must be a JSON object")) }
        }
        if request.path == "/admin/outbox/retry" {
            guard let retry = AdminRequest.outboxRetry(json: json) else {
                return finish {
                    ("admin", "-", nil, Self.error(400, "the body must be {\"items\":[ID, ...]} or {\"all\":true}"))
                }
            }
            return recordAndAnswer(EventDraft(.outboxRetryRequested(retry)), endpoint: "admin", contact: "-", finish)
        }
        guard let id = json["contactId"]?.stringValue, !id.isEmpty else {
            return finish { ("admin", "-", nil, Self.error(400, "the body must be {\"contactId\":\"ID\"}")) }
        }
        guard ledger.read({ $0.member(id) != nil }) else {
            return finish { ("admin", id, nil, Self.error(404, Reason.unknownMember(contactID: id).description)) }
        }
        do throws(SystemError) {
            let reset = try AdminRequest.passwordReset(
                contactID: id, iterations: configuration.passwordIterations,
                spool: connector.keepsPasswords ? PasswordSpool(folder: configuration.folder) : nil,
                now: configuration.clock())
            // Answered only when the CRM will not receive it: the admin must then hand it over.
            let password = connector.keepsPasswords ? nil : reset.password
            recordAndAnswer(reset.draft, endpoint: "admin", contact: id, password: password, finish)
        } catch {
            finish { ("admin", id, nil, Self.unavailable("the new password could not be spooled (\(error))")) }
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
        if value.utf8.count <= 64, value.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) { return value }
        return String(
            String.UnicodeScalarView(
                value.unicodeScalars.prefix(64).map { $0.value <= 0x20 || $0.value == 0x7F ? "_" : $0 }))
    }
}
