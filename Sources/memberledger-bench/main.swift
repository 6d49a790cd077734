import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import Synchronization

// Benchmarks that print figures (never pass/fail), each beside a peer or the machine's limit measured in
// the same run: durable append against a raw write+fdatasync loop; replay against SQLite and PostgreSQL
// reading the same events; snapshots; HTTP ingest against nginx and PostgreSQL's durable INSERT under
// the same wrk load; CRM outbox delivery against the same client calls without it, and ingest with a CRM
// against ingest without one; memory per member. Peers that are not installed are skipped, never faked.
//
// usage: swift run -c release memberledger-bench [append | replay [EVENTS] | snapshot | http [SECONDS] [SCENARIOS]
//        | overload | stages | reads [SECONDS] [EVENTS] | outbox | memory | all]
// where SCENARIOS is a comma-separated list of ingest, overload, idle, slow, genpass (all by default).

/// Monotonic time in seconds.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A size line of this process's `/proc/self/status` (`VmHWM`, `VmRSS`), in bytes; 0 where there is none.
func processSize(_ key: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes * 1024
}

/// The peak resident set size of this process, in bytes.
func peakRSS() -> Int { processSize("VmHWM") }

func report(_ name: String, _ value: Double, _ unit: String, versus: String = "", ratio: Double? = nil) {
    let figure = value >= 100 ? String(Int(value.rounded())) : String(format: "%.2f", value)
    let comparison = ratio.map { String(format: "  %.2f× %@", $0, versus) } ?? ""
    say("\(name): \(figure) \(unit)\(comparison)")
}

/// Runs `measure` three times and returns the median with the range: on a shared VM one run can be off
/// by a third, and a figure compared with a target should not hang on one run.
func medianOfThree(_ measure: () -> Double) -> (median: Double, low: Double, high: Double) {
    let runs = (0..<3).map { _ in measure() }.sorted()
    return (runs[1], runs[0], runs[2])
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

/// A ~300-byte journal record: an updateuser with email, tags and a field.
func sampleDraft(_ index: Int) -> EventDraft {
    let contact = ContactData(
        contactID: String(100_000 + index % 100_000), email: "member\(index % 100_000)@example.com",
        tags: ["Gold", "Newsletter"], fields: ["member_points": String(index % 977)])
    return EventDraft(.webhookReceived(WebhookReceived(command: WebhookCommand(.updateUser, contact: contact))))
}

func temporaryFolder(_ name: String) -> String {
    // On the disk the project lives on (never tmpfs, where fdatasync costs nothing), under .build.
    let path = FileManager.default.currentDirectoryPath + "/.build/bench-data/\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The limit: one thread writing 1000 records of the same size per write + fdatasync.
func rawGroupCommitLimit(recordSize: Int) -> Double {
    let folder = temporaryFolder("raw")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let file = try! FileDescriptor.open("\(folder)/raw.jsonl", O_WRONLY | O_CREAT | O_APPEND)
    defer { file.close() }
    let batch = [UInt8](repeating: UInt8(ascii: "x"), count: recordSize * 1000)
    let batches = 300
    let start = now()
    for _ in 0..<batches {
        try! file.writeAll(batch)
        try! file.sync()
    }
    return Double(batches * 1000) / (now() - start)
}

/// The CPU cost of stamping a record: JSON encoding plus the chained SHA-256, on one core.
func encodingBenchmark() {
    let events = (0..<100_000).map {
        sampleDraft($0).stamped(seq: Int64($0 + 1), at: Timestamp(seconds: 1_790_000_000))
    }
    var previous = String(repeating: "0", count: 64)
    var bytes = 0
    let start = now()
    for event in events {
        let (line, hash) = JournalFormat.recordLine(event, previousHash: previous)
        previous = hash
        bytes += line.count
    }
    let elapsed = now() - start
    report("encode + hash a record", elapsed / Double(events.count) * 1e6, "µs", versus: "", ratio: nil)
    report("encode + hash throughput", Double(events.count) / elapsed, "records/s")
    // A genpass hashes its password off the journal's lock; this is how long that takes.
    for hardware in SHA256.hardwareAccelerated ? [true, false] : [false] {
        let started = now()
        _ = PBKDF2.sha256(
            password: Array("correct horse battery".utf8), salt: Array("saltsaltsalt".utf8),
            iterations: DjangoPasswordHash.defaultIterations, keyLength: 32, hardware: hardware)
        report(
            "password hash, PBKDF2-SHA256 \(DjangoPasswordHash.defaultIterations) iterations, "
                + (hardware ? "SHA-NI" : "Swift rounds"), (now() - started) * 1000, "ms")
    }
}

func appendBenchmark() {
    encodingBenchmark()
    let recordSize = JournalFormat.recordLine(
        sampleDraft(1).stamped(seq: 1, at: Timestamp(seconds: 1_790_000_000)),
        previousHash: String(repeating: "0", count: 64)
    ).line.count
    say("== append (durable, \(recordSize)-byte records) ==")
    let limit = rawGroupCommitLimit(recordSize: recordSize)
    report("raw write+fdatasync, 1000 records per sync", limit, "records/s")
    for appenders in [1, 8, 64] {
        let folder = temporaryFolder("append-\(appenders)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = try! JournalWriter(folder: DataFolder(path: folder))
        let perAppender = appenders == 1 ? 2000 : max(200, 100_000 / appenders)
        let latencies = Mutex<[Double]>([])
        let group = DispatchGroup()
        let start = now()
        for appender in 0..<appenders {
            group.enter()
            Thread.detachNewThread {
                var mine: [Double] = []
                mine.reserveCapacity(perAppender)
                for index in 0..<perAppender {
                    let began = now()
                    _ = try! writer.append(sampleDraft(appender * perAppender + index))
                    mine.append(now() - began)
                }
                latencies.withLock { $0 += mine }
                group.leave()
            }
        }
        group.wait()
        let elapsed = now() - start
        let sorted = latencies.withLock { $0 }.sorted()
        let rate = Double(appenders * perAppender) / elapsed
        report("\(appenders) appenders", rate, "records/s", versus: "the raw loop", ratio: rate / limit)
        say(
            String(
                format: "    p50 %.3f ms, p99 %.3f ms, %d syncs, largest batch %d", percentile(sorted, 0.5) * 1000,
                percentile(sorted, 0.99) * 1000, writer.counters.syncs, writer.counters.largestBatch))
    }
}

/// A journal of mixed, realistic events over `members` members (fixed seed).
func generateJournal(at folder: String, events total: Int, members: Int) {
    let writer = try! JournalWriter(folder: DataFolder(path: folder))
    let catalogText = """
        {"customOperations":[{"id":"7","name":"Award 50 points","actions":[{"addToField":{"field":"member_points","amount":50}}]}],
         "teamPrograms":[{"id":"3","name":"Agency","seats":5,"leaderTags":["Team Leader"],"memberTags":["Team Member"],"welcomeTags":["Team Welcome"],"revokeTags":["Team Revoked"]}],
         "products":[{"id":"11","name":"Gold Monthly","period":"month","accessTags":["Gold"],"pauseTags":["Gold Paused"],"revokeTags":["Gold Revoked"],"failedPaymentTags":["Gold Failed"]}],
         "promos":[{"id":"5","name":"Come back","field":"comeback_coupon","validDays":3,"percentOff":20}]}
        """
    _ = try! writer.append(EventDraft(.catalogUpdated(try! Catalog(jsonText: catalogText))))
    var random = UInt64(42)
    func next(_ bound: Int) -> Int {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((random >> 33) % UInt64(bound))
    }
    var drafts: [EventDraft] = []
    var written = 1
    let hash = DjangoPasswordHash(password: "bench", salt: "benchsalt", iterations: 1).encoded
    while written < total {
        let index = written
        let id = String(index <= members ? index : 1 + next(members))
        let contact = ContactData(contactID: id, email: "m\(id)@example.com", tags: ["Gold", "Newsletter"])
        let payload: EventPayload
        if index <= members {
            payload = .webhookReceived(
                WebhookReceived(
                    command: WebhookCommand(.genpass, contact: contact), generated: GeneratedValues(passwordHash: hash))
            )
        } else {
            switch next(10) {
            case 0:
                payload = .orderCompleted(
                    OrderCompleted(contactID: id, productID: "11", gateway: .stripe, amount: 4900, currency: "USD"))
            case 1: payload = .paymentSucceeded(PaymentReported(contactID: id, productID: "11", amount: 4900))
            case 2:
                payload = .webhookReceived(
                    WebhookReceived(
                        command: WebhookCommand(
                            .createCoupon, contact: ContactData(contactID: id), parameters: ["promoId": "5"]),
                        generated: GeneratedValues(entropy: (0..<16).map { _ in UInt8(next(256)) })))
            case 3, 4:
                payload = .webhookReceived(
                    WebhookReceived(
                        command: WebhookCommand(
                            .fieldOperation, contact: ContactData(contactID: id), parameters: ["operationId": "7"]),
                        generated: GeneratedValues(entropy: (0..<16).map { _ in UInt8(next(256)) })))
            default:
                let tags = next(2) == 0 ? ["Gold", "Newsletter"] : ["Gold", "Newsletter", "Engaged"]
                payload = .webhookReceived(
                    WebhookReceived(
                        command: WebhookCommand(.updateUser, contact: ContactData(contactID: id, tags: tags))))
            }
        }
        drafts.append(EventDraft(payload))
        written += 1
        if drafts.count == 10_000 || written == total {
            _ = try! writer.append(contentsOf: drafts)
            drafts.removeAll(keepingCapacity: true)
        }
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first ?? "all" {
case "append": appendBenchmark()
case "replay": replayBenchmark(events: Int(arguments.dropFirst().first ?? "") ?? 1_000_000)
case "snapshot": snapshotBenchmark(members: 1_000_000)
case "http":
    // http [SECONDS] [SCENARIOS]: shorter runs, or some of the scenarios, while working on one.
    var rest = arguments.dropFirst()
    let seconds = rest.first.flatMap { Int($0) }
    if seconds != nil { rest = rest.dropFirst() }
    let names = rest.first.map { $0.split(separator: ",").map(String.init) } ?? []
    let scenarios = names.compactMap(HTTPScenario.init(rawValue:))
    guard scenarios.count == names.count, (seconds ?? 10) > 0 else {
        say(
            "usage: memberledger-bench http [SECONDS] [\(HTTPScenario.allCases.map(\.rawValue).joined(separator: ","))]"
        )
        exit(64)
    }
    httpBenchmark(seconds: seconds ?? 10, scenarios: scenarios.isEmpty ? Set(HTTPScenario.allCases) : Set(scenarios))
case "overload": httpBenchmark(scenarios: [.overload, .genpass])
case "stages": ingestStagesBenchmark()
case "reads":
    // reads [SECONDS] [EVENTS]: ingest beside readers and live feeds, and asOf reads on a large journal.
    let rest = arguments.dropFirst()
    readSideBenchmark(
        seconds: rest.first.flatMap { Int($0) } ?? 10, events: rest.dropFirst().first.flatMap { Int($0) } ?? 1_000_000,
        asOfOnly: rest.contains("asof"))
case "outbox": outboxBenchmark()
case "memory": memoryBenchmark()
case "snapshot-load":
    snapshotLoadProbe(
        path: String(arguments.dropFirst().first ?? ""), digest: String(arguments.dropFirst(2).first ?? ""))
case "memory-probe": memoryProbe(members: Int(arguments.dropFirst().first ?? "") ?? 100_000)
case "all":
    say("memberledger-bench, \(Date()), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    appendBenchmark()
    replayBenchmark(events: 1_000_000)
    snapshotBenchmark(members: 1_000_000)
    httpBenchmark()
    ingestStagesBenchmark()
    readSideBenchmark()
    outboxBenchmark()
    memoryBenchmark()
default:
    say(
        "usage: memberledger-bench [append | replay [EVENTS] | snapshot | http [SECONDS] [SCENARIOS] | overload | reads "
            + "[SECONDS] [EVENTS] | outbox "
            + "| memory | all]")
    exit(64)
}
