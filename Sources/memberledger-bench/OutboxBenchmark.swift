import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerTesting
import Synchronization

/// The handshake of the servers under test (the HTTP scenario's).
private let handshake = "benchhandshake0123456789"

/// The sample catalog's custom operation "Gold" (apply Gold, remove Trial, set the level, +50 points),
/// with Keap's numeric custom-field ids: Keap has no field named `level`, so with the sample's own
/// names every field write would be refused and become a dead letter.
private let goldCatalog = try! Catalog(
    jsonText: """
        {"customOperations":[{"id":"8","name":"Gold","actions":[{"applyTags":["Gold"]},{"removeTags":["Trial"]},
          {"setField":{"field":"8","value":"gold"}},{"addToField":{"field":"9","amount":50}}]}]}
        """)

/// Scenario `outbox`: how fast the outbox worker empties a backlog into a fake CRM at 0 and 50 ms per
/// CRM request, beside the same client calls made without the outbox; and what a connected CRM costs
/// webhook ingest, beside the same server without one (the issue's target: within 10 %).
///
/// Everything runs in this process, as in the HTTP scenario: the servers, the fake CRM (Keap's API on
/// loopback) and the worker's URLSession; wrk is the only other process. The worker runs at its default
/// concurrency with a plain URLSessionTransport: no rate limit of ours, so the delivery figures are the
/// connector's own, not the 10 requests a second that Keap's documented limit would impose. Ingest is
/// measured twice: with the worker kept to Keap's documented rate, as `serve` runs it, and unthrottled
/// (the worst case, which no CRM's limits allow).
func outboxBenchmark() {
    say("== CRM outbox (Keap fake on loopback, default worker concurrency) ==")
    // Fewer members at 50 ms: each item then takes about 0.1 s of a lane, and the run stays near 20 s.
    outboxDeliveryBenchmark(latency: 0, members: 500)
    outboxDeliveryBenchmark(latency: 0.05, members: 100)
    ingestWithCRMBenchmark(connections: 64, requestsPerSecond: CRMKind.keap.documentedRequestsPerSecond)
    ingestWithCRMBenchmark(connections: 64, requestsPerSecond: nil)
}

/// Empties a backlog of five items per member (the custom operation "Gold" writes a tag, removes one and
/// sets two fields; an updateuser queues a pull) and times it from the server's start to an empty
/// outbox. The backlog is journaled before the server starts, as after a CRM outage or a restart: the
/// worker sees all of it at once, and queuing takes no part in the time.
private func outboxDeliveryBenchmark(latency: Double, members: Int) {
    let folder = temporaryFolder("outbox")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let ids = (0..<members).map { String(1000 + $0) }
    let (fake, setup) = fakeCRM(contacts: ids)
    defer { fake.stop() }
    let data = DataFolder(path: "\(folder)/data")
    queueBacklog(for: ids, in: data, link: setup.connection.link)
    let backlog = try! LedgerReplay(folder: data).state().state.crm.sortedItems
    fake.setLatency(latency)

    let server = try! WebhookServer(configuration: benchServerConfiguration(data, crm: setup))
    let requestsBefore = fake.requestCount
    let started = now()
    try! server.start()
    let emptied = waitUntil(within: 600) { outboxHealth(server).pending == 0 }
    let seconds = now() - started
    server.shutdown()
    let health = outboxHealth(server)
    let requests = fake.requestCount - requestsBefore
    let title = "outbox delivery, \(Int(latency * 1000)) ms per CRM request"
    guard emptied else { return say("\(title): \(health.pending) of \(backlog.count) items still pending after 600 s") }

    let peer = directCalls(backlog, client: setup.client, threads: setup.concurrency)
    let rate = Double(health.delivered) / seconds
    say(
        String(
            format:
                "%@: %d items in %.2f s: %.0f deliveries/s  %.2f× the same calls from %d threads without the outbox (%.0f/s)",
            title, backlog.count, seconds, rate, rate / peer.rate, setup.concurrency, peer.rate))
    var detail = String(
        format: "    %d CRM requests (%.2f per item), %d failed attempts, %d dead letters", requests,
        Double(requests) / Double(max(1, backlog.count)), health.failed, health.dead)
    // With latency, the lanes bound the rate: each item holds one for its requests' latency.
    if latency > 0 {
        let limit = Double(setup.concurrency) / (latency * Double(requests) / Double(max(1, backlog.count)))
        detail += String(format: "; %d lanes at this latency allow %.0f items/s", setup.concurrency, limit)
    }
    if peer.failures > 0 { detail += "; \(peer.failures) calls of the peer failed" }
    say(detail)
}

/// Durable webhook ingest under wrk (the HTTP scenario's load) against a server connected to a fake CRM
/// answering at once, beside the same server without a CRM; req/s and p99 each the median of three runs,
/// the two servers' runs alternated.
/// Every updateuser queues a pull. With `requestsPerSecond` the worker keeps to that rate, as `serve` keeps
/// to the CRM's documented limit, and the backlog simply grows; without it the worker runs flat out beside
/// ingest on the same cores, each run starts with an empty outbox, and the backlog it leaves is drained
/// before the next run.
private func ingestWithCRMBenchmark(connections: Int, requestsPerSecond: Double?, seconds: Int = 10) {
    let pace = requestsPerSecond.map { String(format: "worker kept to %.0f CRM requests/s as serve does", $0) }
    let title = "ingest with a CRM connected (\(pace ?? "worker unthrottled, worst case")), \(connections) connections"
    guard installed("wrk") else { return skipped(title, needs: "wrk") }
    let folder = temporaryFolder("outbox-ingest")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let members = (0..<5000).map(String.init)
    let (fake, setup) = fakeCRM(contacts: members, requestsPerSecond: requestsPerSecond)
    defer { fake.stop() }

    func startServer(_ name: String, crm: CRMSetup?) -> WebhookServer {
        let data = DataFolder(path: "\(folder)/\(name)")
        do {
            let writer = try! JournalWriter(folder: data)
            _ = try! writer.append(
                contentsOf: members.map {
                    EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: $0))))
                })
        }
        let server = try! WebhookServer(configuration: benchServerConfiguration(data, crm: crm))
        try! server.start()
        return server
    }
    let plain = startServer("plain", crm: nil)
    defer { plain.shutdown() }
    let connected = startServer("crm", crm: setup)
    defer { connected.shutdown() }
    guard waitUntil(within: 60, { outboxHealth(connected).pending == 0 }) else {
        return say("\(title): the outbox did not empty before the runs")
    }

    var runs = 0
    func run(_ server: WebhookServer) -> WrkResult {
        runs += 1
        let script = updateUserScript(in: folder, members: members.count, run: runs)
        let result = wrk(connections: connections, port: server.port, script: script, seconds: seconds)
        return result
            ?? WrkResult(requestsPerSecond: 0, p50: 0, p99: 0, max: 0, requests: 0, non2xx: 0, socketErrors: 0)
    }
    // Alternated, plain first, so that drift in a shared machine's speed weighs on both servers alike.
    var plainRuns: [WrkResult] = []
    var withRuns: [WrkResult] = []
    var deliveredDuringRuns = 0
    var leftPending: [Int] = []
    var failedAttempts = 0
    var drainSeconds: [Double] = []
    for _ in 0..<3 {
        plainRuns.append(run(plain))
        let before = outboxHealth(connected)
        withRuns.append(run(connected))
        let after = outboxHealth(connected)
        deliveredDuringRuns += after.delivered - before.delivered
        failedAttempts += after.failed - before.failed
        leftPending.append(after.pending)
        if requestsPerSecond == nil {
            let drainStarted = now()
            _ = waitUntil(within: 300) { outboxHealth(connected).pending == 0 }
            drainSeconds.append(now() - drainStarted)
        }
    }
    func spread(_ runs: [WrkResult]) -> (median: Double, low: Double, high: Double) {
        let rates = runs.map(\.requestsPerSecond).sorted()
        return (rates[1], rates[0], rates[2])
    }
    let plainRate = spread(plainRuns)
    let connectedRate = spread(withRuns)
    guard plainRate.median > 0, connectedRate.median > 0 else { return say("\(title): wrk gave no figures") }

    func p99(_ runs: [WrkResult]) -> Double { runs.map(\.p99).sorted()[runs.count / 2] }
    say(
        String(
            format:
                "%@, medians of 3: %.0f req/s, p99 %.2f ms  %.2f× the same server without a CRM (%.0f req/s, p99 %.2f ms; target ≥ 0.90×)",
            title, connectedRate.median, p99(withRuns), connectedRate.median / plainRate.median, plainRate.median,
            p99(plainRuns)))
    say(
        String(
            format: "    ranges %.0f–%.0f with, %.0f–%.0f without; non-2xx %d with, %d without", connectedRate.low,
            connectedRate.high, plainRate.low, plainRate.high, withRuns.map(\.non2xx).reduce(0, +),
            plainRuns.map(\.non2xx).reduce(0, +)))
    say(
        String(
            format:
                "    the worker delivered %.0f pulls/s during the runs (%d failed attempts); %@ pending at each run's end%@; %d dead letters",
            Double(deliveredDuringRuns) / Double(withRuns.count * seconds), failedAttempts,
            leftPending.map(String.init).joined(separator: ", "),
            drainSeconds.isEmpty
                ? "" : ", emptied in " + drainSeconds.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " s",
            outboxHealth(connected).dead))
}

/// A fake Keap account holding these contacts (with the tag "Trial"), and the server's setup for it: the
/// worker's default concurrency and retry policy, a URLSessionTransport kept to `requestsPerSecond` when
/// given (as `serve` keeps to the CRM's documented rate), else unlimited.
///
/// Pages of 1000 rows, Keap's default, so that paging costs what it costs against Keap.
private func fakeCRM(contacts ids: [String], requestsPerSecond: Double? = nil) -> (FakeCRM, CRMSetup) {
    let fake = try! FakeCRM(.keap, pageSize: 1000)
    for id in ids { fake.addContact(.init(id: id, email: "m\(id)@example.com", tags: ["Trial"])) }
    let connection = CRMConnection(kind: .keap, baseURL: fake.baseURL)
    let transport: any CRMTransport =
        requestsPerSecond.map { RateLimitedTransport(URLSessionTransport(), requestsPerSecond: $0) }
        ?? URLSessionTransport()
    let client = CRMClients.make(connection, key: fake.key, transport: transport)
    return (fake, CRMSetup(connection: connection, client: client))
}

/// The servers' configuration: the HTTP scenario's, on a free loopback port.
private func benchServerConfiguration(_ data: DataFolder, crm: CRMSetup?) -> ServerConfiguration {
    ServerConfiguration(
        folder: data, http: HTTPServerConfiguration(host: "127.0.0.1", port: 0), handshake: handshake,
        passwordIterations: 1000, crm: crm)
}

/// Journals the link, the catalog, the members and, for each, the custom operation "Gold" and an
/// updateuser, so that replay at the server's start rebuilds the outbox they queue.
private func queueBacklog(for ids: [String], in data: DataFolder, link: CRMLink) {
    let writer = try! JournalWriter(folder: data)
    var generator = SystemRandomNumberGenerator()
    var drafts = [EventDraft(.crmConnected(link)), EventDraft(.catalogUpdated(goldCatalog))]
    for id in ids {
        let contact = ContactData(contactID: id, email: "m\(id)@example.com", tags: ["Trial"])
        drafts.append(EventDraft(.memberImported(MemberImported(contact: contact))))
    }
    for id in ids {
        let gold = WebhookCommand(
            .fieldOperation, contact: ContactData(contactID: id), parameters: ["operationId": "8"])
        let generated = Recorder.generate(for: gold, newMember: false, using: &generator).values
        drafts.append(EventDraft(.webhookReceived(WebhookReceived(command: gold, generated: generated))))
        let update = WebhookCommand(.updateUser, contact: ContactData(contactID: id))
        drafts.append(EventDraft(.webhookReceived(WebhookReceived(command: update))))
    }
    _ = try! writer.append(contentsOf: drafts)
}

/// The outbox as `/healthz` reports it, asked in process.
private func outboxHealth(_ server: WebhookServer) -> (pending: Int, dead: Int, delivered: Int, failed: Int) {
    let answer = server.handle(HTTPRequest(method: "GET", target: "/healthz"))
    let crm = (try? JSONParser.parse(answer.body))?["crm"]
    func figure(_ key: String) -> Int { crm?[key]?.intValue ?? -1 }
    return (figure("pending"), figure("dead"), figure("delivered"), figure("failed"))
}

/// The peer: the backlog's client calls made straight from `threads` threads, a contact's items in
/// queue order on one thread as the worker keeps them, with no journal and no worker between them.
private func directCalls(_ items: [OutboxItem], client: any CRMClient, threads: Int) -> (rate: Double, failures: Int) {
    var byContact: [String: [OutboxItem]] = [:]
    for item in items { byContact[item.contactID, default: []].append(item) }
    let queues = Array(byContact.values)
    let next = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let group = DispatchGroup()
    let started = now()
    for _ in 0..<threads {
        group.enter()
        Thread.detachNewThread {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < queues.count else { break }
                for item in queues[index] {
                    do throws(CRMError) {
                        try call(item.action, for: CRMContact(id: item.contactID), client: client)
                    } catch {
                        failures.wrappingAdd(1, ordering: .relaxed)
                    }
                }
            }
            group.leave()
        }
    }
    group.wait()
    return (Double(items.count) / (now() - started), failures.load(ordering: .relaxed))
}

/// The client call the worker makes for an action (a password is written as a field).
private func call(_ action: OutboxItem.Action, for contact: CRMContact, client: any CRMClient) throws(CRMError) {
    switch action {
    case .applyTag(let tag): try client.applyTag(tag, to: contact)
    case .removeTag(let tag): try client.removeTag(tag, from: contact)
    case .setField(let field, let value): try client.setField(field, to: value, of: contact)
    case .password(let field, _): try client.setField(field, to: "bench-password", of: contact)
    case .pull: _ = try client.pull(contact.id)
    }
}

/// wrk's script for the HTTP scenario's load: ActiveCampaign-style aal_updateuser form bodies over
/// contacts 0..<members with one of three tier tags, as there; but the email is unique to the run and the
/// wrk thread, not just to the request. A body seen before is a duplicate, which the ledger journals but
/// which queues no pull, and every wrk thread (and every run) counts from 0: with the HTTP scenario's
/// bodies, half of a run and nearly all of a repeated one would leave the CRM's worker nothing to do.
private func updateUserScript(in folder: String, members: Int, run: Int) -> String {
    let path = "\(folder)/post-\(run).lua"
    // A prefix per wrk thread (a fresh table's address), as in the genpass burst's script.
    try! """
    counter = 0
    prefix = ""
    init = function(args) prefix = string.gsub(tostring({}), "[^%w]", "") end
    request = function()
      counter = counter + 1
      local body = "contact%5Bid%5D=" .. (counter % \(members)) .. "&contact%5Bemail%5D=u\(run)-" .. prefix .. "-" .. counter .. "%40example.com&contact%5Btags%5D=month%2C+TIER" .. (counter % 3)
      return wrk.format("POST", "/?aal_updateuser=\(handshake)", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
    end
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
