import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerQuery
import MemberLedgerSystem
import MemberLedgerWebhooks
import Synchronization

/// The read API, `GET /api/…`: JSON views of the ledger for integrators, auditors and the console,
/// authenticated by the admin token, answered from the `ReadModel` so that no read takes the journal
/// writer's lock or waits on ingest.
///
/// Rules: every answer carries `Cache-Control: no-store` and no CORS field; any missing or wrong token
/// (the handshake included) gets one and the same 401; a parameter the endpoint does not take, or one
/// with a bad value, is a 400 that names it; an unknown id is a 404. Reads of the past (`asOf`, `seq`)
/// and other reads that walk a file or the whole state run on a small bounded pool, never on an event
/// loop; a full pool answers 503 with `Retry-After`.
final class ReadAPI: Sendable {
    let model: ReadModel
    /// nil: no token opens the API (a server configured without one).
    private let token: [UInt8]?
    private let pool: WorkPool
    private let journal: @Sendable () -> JSONValue
    /// Damage the scrub found, if any: reads of the ledger are refused while it stands.
    private let damage: @Sendable () -> JournalDamage?
    /// Where the journal's durable part ends, and its head: what a follower may copy.
    private let durable: @Sendable () -> (end: Int64, head: JournalHead, journalID: String)
    private let crm: @Sendable () -> JSONValue?
    /// The console, whose session cookie opens the API as the token does.
    private let console: Console
    private let handshake: String
    /// Where the server listens, for the generator's URLs (`listening(at:)`).
    private let base = Mutex("")
    /// Sends every stream its keep-alive comment.
    /// (Dispatch sources are thread-safe; the type is not marked Sendable.)
    private nonisolated(unsafe) let heartbeat: DispatchSourceTimer

    /// The API over `model`, opened by `token`; `journal` and `crm` make `/api/journal`'s and `/api/crm`'s
    /// live figures.
    init(
        model: ReadModel, token: String?, heartbeatSeconds: Double, console: Console, handshake: String,
        journal: @escaping @Sendable () -> JSONValue,
        durable: @escaping @Sendable () -> (end: Int64, head: JournalHead, journalID: String),
        damage: @escaping @Sendable () -> JournalDamage?,
        crm: @escaping @Sendable () -> JSONValue?
    ) {
        self.durable = durable
        self.damage = damage
        self.console = console
        self.handshake = handshake
        self.model = model
        self.token = token.map { Array($0.utf8) }
        self.journal = journal
        self.crm = crm
        pool = WorkPool(threads: 2, queueLimit: 32, name: "api-reads", niceness: 5)
        heartbeat = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "memberledger.stream-heartbeat"))
        heartbeat.schedule(deadline: .now() + heartbeatSeconds, repeating: heartbeatSeconds)
        heartbeat.setEventHandler { [model] in model.heartbeat() }
        heartbeat.activate()
    }

    /// Notes the base URL the server listens on (`http://127.0.0.1:8080`), once it does.
    func listening(at base: String) {
        self.base.withLock { $0 = base }
    }

    /// Stops the pool and the heartbeat.
    func stop() {
        heartbeat.cancel()
        pool.stop()
    }

    // MARK: - The live feed

    /// Bytes a feed's socket may have waiting before more entries are held back for it (about two catch-up
    /// steps, well under the connection's 4 MiB limit).
    static let feedBacklogLimit = 1 << 20

    /// `GET /api/stream`: server-sent events, one `ledger` message per durable event (`id:` its seq, `data:`
    /// its log object), from after `Last-Event-ID` or `?from=SEQ` (else from now) with no gap and no
    /// repeat, a comment as heartbeat; at most `ReadModel.maxSubscribers` at once, then 503. Returns the
    /// status answered, for the access log.
    func stream(_ request: HTTPRequest, _ responder: HTTPResponder) -> Int {
        func refuse(_ error: APIError) -> Int {
            var response = error.response
            response.headers.append(("Cache-Control", "no-store"))
            responder.respond(response)
            return response.status
        }
        guard authorized(request) else { return refuse(.unauthorized) }
        guard request.method == "GET" else { return refuse(.methodNotAllowed) }
        // A log that could not be rebuilt would hold every feed back for ever: say so instead.
        if let problem = model.historyProblem { return refuse(.logNotReady(problem)) }
        let cursor: Int64?
        do throws(APIError) {
            let head = model.head.seq
            // A cursor past the head (a journal restored from an older copy, say) would skip events unseen.
            let beyond = "is past the head, seq \(head); resume from the last event received"
            let from = try APIParameters(request.query, accepted: ["from"]).integer("from", in: 0...Int64.max)
            if let lastEventID = request.headers["Last-Event-ID"] {
                guard let seq = Int64(lastEventID), seq >= 0 else {
                    throw .badParameter("Last-Event-ID", "must be the seq of the last event received")
                }
                guard seq <= head else { throw .badParameter("Last-Event-ID", beyond) }
                cursor = seq
            } else {
                if let from, from > head { throw .badParameter("from", beyond) }
                cursor = from
            }
        } catch {
            return refuse(error)
        }
        // A feed opened with the console's cookie lives as long as its session: logout or 12 h idle ends it.
        let session = request.headers["Authorization"] == nil ? console.session(of: request)?.id : nil
        let sessions = console.sessions
        let subscribed = model.subscribe(after: cursor) { [model] id, start in
            // `id:` in the opening block sets the client's last event id even before any event, so a
            // reconnect resumes exactly where this feed started.
            let head = HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store"),
                    ("X-Accel-Buffering", "no"),
                ],
                body: Array(": memberledger live feed\nretry: 2000\nid: \(start)\n\n".utf8))
            let stream = responder.respondStreaming(head) { model.unsubscribe(id) }
            return { bytes in
                if let session, !sessions.isOpen(session) {
                    stream.finish()
                    return false
                }
                // A reader more than a catch-up step behind gets the next one once it has taken this one.
                guard stream.unsentBytes < Self.feedBacklogLimit else { return false }
                stream.send(bytes)
                return true
            }
        }
        guard subscribed != nil else {
            return refuse(.busy("\(ReadModel.maxSubscribers) live feeds are open; retry later"))
        }
        return 200
    }

    /// Whether the request carries the admin token as `Authorization: Bearer TOKEN` (constant time), or
    /// the cookie of a live console session.
    func authorized(_ request: HTTPRequest) -> Bool {
        if let authorization = request.headers["Authorization"] {
            let sent = authorization.hasPrefix("Bearer ") ? Array(authorization.utf8.dropFirst(7)) : []
            guard let token else { return false }
            return ConstantTime.equals(sent, token)
        }
        return console.session(of: request) != nil
    }

    /// Answers a request for `/api/…` (but `/api/stream`, which `stream` answers).
    func route(_ request: HTTPRequest, _ finish: @escaping WebhookServer.Finish) {
        let segments = Self.segments(request.path)
        let endpoint = "api/" + (segments.first ?? "")
        let done: @Sendable (Result<JSONValue, APIError>, String) -> Void = { result, contact in
            var response: HTTPResponse
            switch result {
            case .success(let value): response = .json(200, JSONWriter.bytes(value))
            case .failure(let error): response = error.response
            }
            response.headers.append(("Cache-Control", "no-store"))
            let answer = response
            finish { (endpoint, contact, nil, answer) }
        }
        guard authorized(request) else { return done(.failure(.unauthorized), "-") }
        guard request.method == "GET" || request.method == "HEAD" else {
            return done(.failure(.methodNotAllowed), "-")
        }
        if segments == ["journal", "bytes"] { return journalBytes(request, finish) }
        do throws(APIError) {
            let path = segments.compactMap(\.removingPercentEncoding)
            guard path.count == segments.count else { throw .badParameter("path", "holds a malformed %-escape") }
            let contact = path.count > 1 ? path[1] : "-"
            try answer(path, request.query) { result in done(result, contact) }
        } catch {
            done(.failure(error), "-")
        }
    }

    /// The most bytes one `/api/journal/bytes` answer carries.
    static let journalChunkBytes: Int64 = 4 << 20

    /// `/api/journal/bytes?from=OFFSET`: the journal's own bytes from `from`, never past its durable end
    /// (so a follower never holds a record the primary could still lose), about `journalChunkBytes` and
    /// ending on a line end (a longer record comes whole). Headers name the journal, its durable length and head, so a follower checks
    /// it copies the journal it holds and can say how far behind it is.
    private func journalBytes(_ request: HTTPRequest, _ finish: @escaping WebhookServer.Finish) {
        let respond: @Sendable (HTTPResponse) -> Void = { response in
            var response = response
            response.headers.append(("Cache-Control", "no-store"))
            let answer = response
            finish { ("api/journal/bytes", "-", nil, answer) }
        }
        let from: Int64
        do throws(APIError) {
            let parameters = try APIParameters(request.query, accepted: ["from"])
            from = try parameters.integer("from", in: 0...Int64.max) ?? 0
            let (end, _, _) = durable()
            if from > end {
                throw .badParameter(
                    "from",
                    "\(from) is past the journal's durable end \(end): this copy is not of this journal "
                        + "as it stands (was the primary repaired?)")
            }
        } catch {
            return respond(error.response)
        }
        let submitted = pool.submit { [durable, model] in
            let (end, head, journalID) = durable()
            // A whole number of lines: a follower appends what it verified, line by line.
            let body: [UInt8]
            do {
                let file = try FileDescriptor.open(model.folder.journal, O_RDONLY)
                defer { file.close() }
                body = try JournalReplica.wholeLines(of: file, from: from, to: end, chunk: Self.journalChunkBytes)
            } catch {
                return respond(APIError.failed("the journal could not be read: \(error)").response)
            }
            respond(
                HTTPResponse(
                    status: 200,
                    headers: [
                        ("Content-Type", "application/octet-stream"), ("X-Journal-Id", journalID),
                        ("X-Journal-Durable-Length", "\(end)"), ("X-Journal-Head", head.description),
                        ("X-Journal-Head-Recorded-At", head.recordedAt.rfc3339),
                    ], body: body))
        }
        if !submitted { respond(APIError.busy("too many reads of the past are running; retry shortly").response) }
    }

    /// The path after `/api/`, split at `/`.
    private static func segments(_ path: String) -> [String] {
        path.dropFirst("/api/".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    private typealias Reply = @Sendable (Result<JSONValue, APIError>) -> Void

    private func answer(_ path: [String], _ query: String?, _ reply: @escaping Reply) throws(APIError) {
        // As every read verb does: no answer from a ledger with a hole in it; the journal's own figures
        // (what the console's health page shows) and the CRM's stay readable.
        if let damage = damage(), !["journal", "crm", "generator"].contains(path.first ?? "") {
            throw .damaged(damage)
        }
        switch path.count {
        case 1:
            try collection(path[0], query, reply)
        case 2 where path[0] == "members":
            try projection("member", path[1], query, reply)
        case 3 where path[0] == "members" && path[2] == "history":
            _ = try APIParameters(query, accepted: [])
            try history(path[1], reply)
        case 3 where path[0] == "teams":
            try projection("team", path[1] + "/" + path[2], query, reply)
        case 3 where path[0] == "subscriptions":
            try projection("subscription", path[1] + "/" + path[2], query, reply)
        case 2 where path[0] == "coupons":
            try projection("coupon", path[1], query, reply)
        case 2 where path[0] == "events":
            _ = try APIParameters(query, accepted: [])
            guard let seq = Int64(path[1]), seq >= 1 else {
                throw .badParameter("seq", "the path's seq must be a whole number from 1")
            }
            try event(seq, reply)
        default:
            throw .notFound("no such endpoint; see Docs/api.md")
        }
    }

    private func collection(_ name: String, _ query: String?, _ reply: @escaping Reply) throws(APIError) {
        switch name {
        case "members":
            try members(APIParameters(query, accepted: ["q", "tag", "limit", "after"]), reply)
        case "log":
            try log(
                APIParameters(
                    query, accepted: ["command", "type", "contact", "outcome", "since", "until", "limit", "before"]),
                reply)
        case "stats":
            _ = try APIParameters(query, accepted: [])
            guard let outcomes = model.log({ $0.outcomes }) else { throw .logNotReady(model.historyProblem) }
            let state = model.read { state, _ in state }
            try offLoop(reply) { .success(LedgerViews.stats(state, outcomes: outcomes)) }
        case "digest":
            let parameters = try APIParameters(query, accepted: ["asOf", "seq"])
            let point = try parameters.point(head: model.head.seq)
            try offLoop(reply) { [model] in
                let (state, head) = try model.state(at: point ?? .end)
                return .success(LedgerViews.digest(state, head: head))
            }
        case "catalog":
            _ = try APIParameters(query, accepted: [])
            reply(.success(model.read { state, _ in state.catalog.json }))
        case "crm":
            let contact = try APIParameters(query, accepted: ["contact"]).string("contact")
            let (link, pending, dead, queued) = model.read { state, _ in
                (
                    state.crm.link, state.crm.pending.count, state.crm.dead.map(\.json),
                    contact.map { state.crm.queue(of: $0).map(\.json) }
                )
            }
            var fields: [(key: String, value: JSONValue)] = [
                ("connected", .bool(link != nil)), ("crm", link.map { .string($0.kind.rawValue) } ?? .null),
                ("outboxDepth", .int(Int64(pending))), ("deadLetters", .array(dead)), ("worker", crm() ?? .null),
            ]
            if let contact, let queued {
                fields.append(("contact", .object([("contactId", .string(contact)), ("items", .array(queued))])))
            }
            reply(.success(.object(fields)))
        case "journal":
            _ = try APIParameters(query, accepted: [])
            try offLoop(reply) { [journal] in .success(journal()) }
        case "generator":
            let names = WebhookOperation.allCases.flatMap(\.requiredParameters)
            reply(.success(try generator(APIParameters(query, accepted: ["command", "crm"] + Set(names).sorted()))))
        default:
            throw .notFound("no such endpoint; see Docs/api.md")
        }
    }

    // MARK: - Projections

    /// A member, team, subscription or coupon, now or at a point in history.
    private func projection(_ kind: String, _ id: String, _ query: String?, _ reply: @escaping Reply) throws(APIError) {
        let parameters = try APIParameters(query, accepted: ["asOf", "seq"])
        guard let point = try parameters.point(head: model.head.seq) else {
            let found = model.read { state, _ in LedgerViews.lookup(kind, id, in: state) }
            return reply(
                found.map { .success($0) }
                    ?? .failure(.notFound(LedgerViews.missing(kind, id, at: .end, existsNow: false))))
        }
        try offLoop(reply) { [model] in
            let (state, _) = try model.state(at: point)
            if let found = LedgerViews.lookup(kind, id, in: state) { return .success(found) }
            let existsNow = model.read { state, _ in LedgerViews.lookup(kind, id, in: state) != nil }
            return .failure(.notFound(LedgerViews.missing(kind, id, at: point, existsNow: existsNow)))
        }
    }

    /// `/api/members?q=&tag=&limit=&after=`: members whose contact id or email starts with `q` (case
    /// ignored for the email) and who hold `tag`, in contact id order, after the contact id `after`.
    private func members(_ parameters: APIParameters, _ reply: @escaping Reply) throws(APIError) {
        let q = parameters.string("q")
        let tag = parameters.string("tag")
        let limit = Int(try parameters.integer("limit", in: 1...1000) ?? 50)
        let after = parameters.string("after")
        // A search walks every member: off the event loops.
        try offLoop(reply) { [model] in
            let (page, more) = model.read { state, _ in
                var found: [Member] = []
                for member in state.members {
                    if let after, !utf8Ascending(after, member.contactID) { continue }
                    if let tag, !member.tags.contains(tag) { continue }
                    if let q, !member.contactID.hasPrefix(q),
                        !(member.email?.lowercased().hasPrefix(q.lowercased()) ?? false)
                    {
                        continue
                    }
                    found.append(member)
                }
                found.sort { utf8Ascending($0.contactID, $1.contactID) }
                return (found.prefix(limit).map(Self.summary), found.count > limit)
            }
            let next: JSONValue =
                more
                ? .string(parameters.next("/api/members", cursor: "after", value: page.last?.contactID ?? "")) : .null
            return .success(.object([("members", .array(page.map(\.json))), ("next", next)]))
        }
    }

    private static func summary(_ member: Member) -> (contactID: String, json: JSONValue) {
        let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return (
            member.contactID,
            .object([
                ("contactId", .string(member.contactID)), ("email", optional(member.email)),
                ("firstName", optional(member.firstName)), ("lastName", optional(member.lastName)),
                ("tags", .strings(member.sortedTags)),
            ])
        )
    }

    /// `/api/members/{id}/history`: what `history ID --json` prints, as one array. Replayed from the newest
    /// snapshot before the contact's first event (the log knows it), not from seq 1.
    private func history(_ contact: String, _ reply: @escaping Reply) throws(APIError) {
        guard let first = model.log({ $0.firstSeq(of: contact) }) else { throw .logNotReady(model.historyProblem) }
        guard let first else { throw .notFound("contact \(contact) appears in no event") }
        try offLoop(reply) { [model] in
            var entries: [JSONValue] = []
            _ = try LedgerReplay(folder: model.folder).state(snapshotAtOrBefore: first - 1, through: model.head.seq) {
                step in
                if let entry = HistoryEntry(contact: contact, event: step.event, outcome: step.outcome) {
                    entries.append(entry.json)
                }
            }
            return .success(.object([("contactId", .string(contact)), ("history", .array(entries))]))
        }
    }

    // MARK: - The log

    /// `/api/log`: a page of the Webhooks Log, newest first, with the link to the next.
    private func log(_ parameters: APIParameters, _ reply: @escaping Reply) throws(APIError) {
        let outcome = try parameters.choice("outcome", ["applied", "unchanged", "rejected", "duplicate"]).flatMap(
            Outcome.Status.init(rawValue:))
        let filter = LogFilter(
            command: parameters.string("command"), type: parameters.string("type"),
            contact: parameters.string("contact"), outcome: outcome, since: try parameters.time("since"),
            until: try parameters.time("until"))
        let limit = Int(try parameters.integer("limit", in: 1...1000) ?? 100)
        let before = try parameters.integer("before", in: 1...Int64.max)
        guard model.log({ _ in true }) != nil else { throw .logNotReady(model.historyProblem) }
        // A filter can walk the whole log: off the event loops.
        try offLoop(reply) { [model] in
            let found = model.log { log in (page: log.page(filter, before: before, limit: limit), head: log.nextSeq - 1)
            }
            guard let (page, head) = found else { return .failure(.logNotReady(model.historyProblem)) }
            let next: JSONValue =
                page.more
                ? .string(parameters.next("/api/log", cursor: "before", value: String(page.entries.last!.seq))) : .null
            // `head` is where a live feed opened after this page starts, whatever the filter matched.
            return .success(
                .object([("events", .array(page.entries.map(\.json))), ("next", next), ("head", .int(head))]))
        }
    }

    /// `/api/events/{seq}`: the stored record, its outcome (effects, transitions) and its CRM deliveries.
    private func event(_ seq: Int64, _ reply: @escaping Reply) throws(APIError) {
        guard let found = model.log({ log in log.entry(seq).map { _ in log.deliveries(of: seq) } }) else {
            throw .logNotReady(model.historyProblem)
        }
        guard let deliveries = found else { throw .notFound("no event \(seq)") }
        let queued = model.read { state, _ in state.crm.sortedItems.filter { $0.seq == seq }.map(\.json) }
        try offLoop(reply) { [model] in
            var result = try model.replay(.seq(seq - 1))
            var step: (Event, Outcome)?
            try JournalReader(folder: model.folder).forEachEvent(
                verify: true, after: result.position, lost: { seqs, _ in result.state.skipLost(seqs) }
            ) { event, _, _ in
                step = (event, result.state.apply(event))
                return false
            }
            guard let (event, outcome) = step, event.seq == seq else {
                return .failure(.notFound("no event \(seq) in the journal"))
            }
            return .success(
                .object([
                    ("seq", .int(seq)), ("event", event.json), ("outcome", outcome.json(seq: seq)),
                    ("crm", .object([("queued", .array(queued)), ("attempts", .array(deliveries.map(\.json)))])),
                ]))
        }
    }

    // MARK: - The generator

    /// `/api/generator`: the commands and their parameters, the CRMs, the base URL; with `command`, the
    /// URL for it (the handshake in it) and, with `crm`, that CRM's steps.
    private func generator(_ parameters: APIParameters) throws(APIError) -> JSONValue {
        let base = base.withLock { $0 }
        var fields: [(key: String, value: JSONValue)] = [
            ("base", .string(base)),
            (
                "commands",
                .array(
                    WebhookOperation.allCases.map {
                        .object([("name", .string($0.rawValue)), ("parameters", .strings($0.requiredParameters))])
                    })
            ),
            ("crms", .array(CRMSetupSteps.all.map { .object([("id", .string($0.crm)), ("name", .string($0.name))]) })),
        ]
        guard let name = parameters.string("command") else { return .object(fields) }
        guard let operation = WebhookOperation(rawValue: name) ?? WebhookOperation(rawValue: "aal_" + name) else {
            throw .badParameter(
                "command", "is none of \(WebhookOperation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var values: [String: String] = [:]
        for parameter in operation.requiredParameters {
            guard let value = parameters.string(parameter) else { continue }
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
            guard value.utf8.allSatisfy(allowed.contains) else {
                throw .badParameter(parameter, "must be letters, digits, - or _")
            }
            values[parameter] = value
        }
        fields.append(
            ("url", .string(WebhookURL.make(operation, base: base, handshake: handshake, parameters: values))))
        if let crm = try parameters.choice("crm", CRMSetupSteps.all.map(\.crm)) {
            fields.append(("steps", .string(CRMSetupSteps.all.first { $0.crm == crm }!.steps)))
        }
        return .object(fields)
    }

    // MARK: - Helpers

    /// Runs `work` on the pool and replies with what it returns; a thrown error is a 500 naming it.
    private func offLoop(
        _ reply: @escaping Reply, _ work: @escaping @Sendable () throws -> Result<JSONValue, APIError>
    ) throws(APIError) {
        let accepted = pool.submit {
            do {
                reply(try work())
            } catch let error as APIError {
                reply(.failure(error))
            } catch {
                reply(.failure(.failed("\(error)")))
            }
        }
        guard accepted else { throw .busy("too many reads of the past are running; retry shortly") }
    }
}
