import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerWebhooks

/// The ingest path taken apart: the same ActiveCampaign-style `aal_updateuser` as the HTTP load, run
/// through each stage on one thread with no sockets, no disk and no other thread, with the time and the
/// heap allocations of each stage per request. What the stages leave out of the figure measured under
/// wrk (the event loop, the socket calls, the commit queue, the answer, fdatasync) is the difference.
func ingestStagesBenchmark(requests: Int = 20_000) {
    say("== Ingest path by stage (\(requests) aal_updateuser requests, one thread, no sockets or disk) ==")
    guard AllocationCounter.interposed else {
        return say("ingest stages: skipped (the allocation counter is not the process's malloc)")
    }
    let handshake = benchHandshake
    let raw = (0..<requests).map { index -> [UInt8] in
        let body =
            "contact%5Bid%5D=\(index % benchMembers)&contact%5Bemail%5D=u-\(index)%40example.com"
            + "&contact%5Btags%5D=month%2C+TIER\(index % 3)"
        return Array(
            ("POST /?aal_updateuser=\(handshake) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body).utf8)
    }
    var state = LedgerState()
    for id in 0..<benchMembers {
        _ = state.apply(
            EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: String(id)))))
                .stamped(seq: Int64(id + 1), at: Timestamp(microseconds: 0)))
    }
    let decoder = WebhookDecoder(handshake: handshake)
    var seq = Int64(benchMembers)
    var previousHash = String(repeating: "0", count: 64)
    var generator = SystemRandomNumberGenerator()

    var requestsParsed: [HTTPRequest] = []
    var incoming: [IncomingRequest] = []
    var deliveries: [WebhookDelivery] = []
    var drafts: [EventDraft] = []
    var events: [Event] = []
    var tails: [[UInt8]] = []
    var rows: [(String, Double, Double)] = []
    func stage(_ name: String, _ body: () -> Void) {
        let mark = AllocationCounter.start()
        let started = now()
        body()
        let seconds = now() - started
        let allocations = AllocationCounter.stop(since: mark)
        rows.append((name, seconds * 1e6 / Double(requests), Double(allocations) / Double(requests)))
    }
    // Made once, as the server does: its defaults ask the system how many cores there are.
    let configuration = HTTPServerConfiguration()
    stage("HTTP parse (request line, headers, body)") {
        requestsParsed = raw.map { HTTPRequestParser.parse($0, configuration: configuration).requests[0] }
    }
    stage("webhook decode (query, form, contact, redaction)") {
        incoming = requestsParsed.map {
            IncomingRequest(
                method: $0.method, target: $0.target, headers: $0.headers.map { ($0.name, $0.value) }, body: $0.body)
        }
        deliveries = incoming.map { try! decoder.decode($0) }
    }
    stage("draft (generated values, fingerprint)") {
        drafts = deliveries.map { delivery in
            let item = delivery.items[0]
            let generated = Recorder.generate(for: item.command, newMember: false, using: &generator)
            return EventDraft(
                .webhookReceived(
                    WebhookReceived(command: item.command, generated: generated.values, request: delivery.request)),
                fingerprint: Recorder.fingerprint(of: item.command, idempotencyKey: item.idempotencyKey))
        }
    }
    stage("event tail encoded (JSON)") {
        tails = drafts.map { JournalFormat.tail(of: $0.stamped(seq: 1, at: Timestamp(microseconds: 0))) }
    }
    stage("stamp and apply (reducer)") {
        events = drafts.map { draft in
            seq += 1
            let event = draft.stamped(seq: seq, at: Timestamp(microseconds: 1_800_000_000_000_000 + seq))
            _ = state.apply(event)
            return event
        }
    }
    stage("record line and hash (SHA-256)") {
        for event in events {
            previousHash = JournalFormat.recordLine(event, previousHash: previousHash).hash
        }
    }
    withExtendedLifetime((incoming, tails)) {}
    let total = rows.reduce((0.0, 0.0)) { ($0.0 + $1.1, $0.1 + $1.2) }
    for (name, micros, allocations) in rows + [("all stages", total.0, total.1)] {
        say(
            "  \(name.padding(toLength: 50, withPad: " ", startingAt: 0)) "
                + String(format: "%7.2f µs  %6.1f allocations", micros, allocations) + " per request")
    }
}
