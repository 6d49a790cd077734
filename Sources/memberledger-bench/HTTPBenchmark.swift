import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer

/// The HTTP scenarios, in the order they run; `memberledger-bench http [SECONDS] [NAME,NAME…]` picks some.
enum HTTPScenario: String, CaseIterable {
    /// Durable ingest at 1, 16, 64 and 256 connections beside nginx and PostgreSQL; allocations per request.
    case ingest
    /// 640 connections (10× the 64-connection load) with wrk's 1 s timeout.
    case overload
    /// 10 000 idle keep-alive connections: RSS and threads.
    case idle
    /// 1 000 slow senders while real webhooks arrive.
    case slow
    /// A burst of new members' genpass beside updateusers.
    case genpass
}

/// The handshake every bench server is set up with.
let benchHandshake = "benchhandshake0123456789"
/// Members imported before the runs (contact ids `0..<benchMembers`), so that every update applies.
let benchMembers = 5000

/// The HTTP benchmarks: durable ingest under wrk beside nginx answering `return 200` (the HTTP limit)
/// and PostgreSQL's durable INSERT (pgbench), allocations per request, a 10× overload that must answer
/// every request within 1 s and lose none, idle keep-alive connections, slow senders, and a genpass
/// burst. The server runs inside this process, so its CPU, RSS, threads and allocations are this
/// process's; every client runs in a process of its own.
func httpBenchmark(seconds: Int = 10, scenarios: Set<HTTPScenario> = Set(HTTPScenario.allCases)) {
    say("== HTTP (wrk \(seconds) s per run, ActiveCampaign-style aal_updateuser bodies for imported members) ==")
    guard installed("wrk") else { return skipped("HTTP ingest", needs: "wrk") }
    let descriptors = raiseDescriptorLimit()
    let folder = temporaryFolder("http")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    importMembers(into: "\(folder)/data", count: benchMembers)
    var http = HTTPServerConfiguration()
    http.port = 18090
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: DataFolder(path: "\(folder)/data"), http: http, handshake: benchHandshake,
            passwordIterations: 1000))
    try! server.start()
    defer { server.shutdown() }
    say(
        "server: \(http.eventLoops) event loops on \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(benchMembers) members imported, descriptor limit \(descriptors); "
            + "probe: \(probeUpdateUser(port: http.port, contactID: "42"))")
    let script = "\(folder)/updateuser.lua"
    try! updateUserLua(handshake: benchHandshake, members: benchMembers)
        .write(toFile: script, atomically: true, encoding: .utf8)

    var sixteenConnectionP99: Double?
    if scenarios.contains(.ingest) {
        sixteenConnectionP99 = ingestBenchmark(folder: folder, port: http.port, script: script, seconds: seconds)
    }
    if scenarios.contains(.overload) {
        overloadBenchmark(server: server, folder: folder, port: http.port, seconds: seconds)
    }
    if scenarios.contains(.idle) { idleConnectionsBenchmark(folder: folder, count: 10_000, limit: descriptors) }
    if scenarios.contains(.slow) {
        for spread in [false, true] {
            slowClientsBenchmark(folder: folder, port: http.port, seconds: seconds, spread: spread)
        }
    }
    if scenarios.contains(.genpass) {
        genpassBurstBenchmark(folder: folder, seconds: seconds, updatesAloneP99: sixteenConnectionP99)
    }
}

/// Raises this process's soft descriptor limit to its hard limit (10 000 idle connections need as many
/// descriptors, and children inherit it); returns the limit now in force.
func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
}

/// A data folder whose journal holds `count` imported members with ids `0..<count`.
func importMembers(into path: String, count: Int) {
    let writer = try! JournalWriter(folder: DataFolder(path: path))
    let members = (0..<count).map {
        EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: String($0)))))
    }
    _ = try! writer.append(contentsOf: members)
}

/// One updateuser like the load's, for an imported member: its status and outcome, in words.
func probeUpdateUser(port: Int, contactID: String) -> String {
    let body = "contact%5Bid%5D=\(contactID)&contact%5Bemail%5D=probe%40example.com&contact%5Btags%5D=month%2C+TIER1"
    let answer = shell(
        "curl -s -w ' %{http_code}' -X POST -H 'Content-Type: application/x-www-form-urlencoded' "
            + "--data '\(body)' 'http://127.0.0.1:\(port)/?aal_updateuser=\(benchHandshake)'"
    ).output
    let status = answer.split(separator: " ").last.map(String.init) ?? "?"
    let outcome = answer.firstRange(of: #""outcome":""#).map { range in
        String(answer[range.upperBound...].prefix { $0 != "\"" })
    }
    return "aal_updateuser of member \(contactID) answered \(status), outcome \(outcome ?? "?")"
}

// MARK: - Peers

/// nginx answering `return 200` on a port, with a worker per core, from a scratch config.
final class ScratchNginx {
    let master: pid_t
    let port: Int
    private let folder: String

    init?(folder: String, port: Int) {
        guard installed("nginx") else { return nil }
        self.folder = folder
        self.port = port
        try! """
        daemon off; pid \(folder)/nginx.pid; error_log \(folder)/nginx.log;
        worker_processes \(ProcessInfo.processInfo.activeProcessorCount);
        events { worker_connections 4096; }
        http { access_log off; client_body_temp_path \(folder); server { listen 127.0.0.1:\(port); location / { return 200 'ok'; } } }
        """.write(toFile: "\(folder)/nginx.conf", atomically: true, encoding: .utf8)
        shell("nginx -c \(folder)/nginx.conf -p \(folder) > /dev/null 2>&1 &")
        let up = shell(
            "for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:\(port)/ && exit 0; sleep 0.1; done; exit 1")
        guard up.status == 0,
            let pid = pid_t(
                (try? String(contentsOfFile: "\(folder)/nginx.pid", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        else { return nil }
        master = pid
    }

    /// The master and its workers.
    var processes: [pid_t] { [master] + children(of: master) }

    deinit { shell("kill \(master)") }
}

/// The processes whose parent is `parent` (the parent pid is the 4th field of `/proc/PID/stat`).
func children(of parent: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { pid_t($0) }.filter { pid in
        guard let fields = procStatFields(pid), fields.count > 1 else { return false }
        return pid_t(fields[1]) == parent
    }
}

/// The fields of `/proc/PID/stat` after the command name (so the process state is the first), or nil.
func procStatFields(_ pid: pid_t) -> [Substring]? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[stat.index(after: close)...].split(separator: " ")
}

/// CPU seconds (user and system, all threads) the processes have used so far.
func cpuSeconds(of pids: [pid_t]) -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return pids.reduce(0) { total, pid in
        // utime and stime are the 14th and 15th fields overall.
        guard let fields = procStatFields(pid), fields.count > 12, let user = Double(fields[11]),
            let system = Double(fields[12])
        else { return total }
        return total + (user + system) / ticks
    }
}

/// This process's thread count (`Threads:` in `/proc/self/status`).
func threadCount() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") })
    else { return 0 }
    return Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
}

/// pgbench's rate for durable INSERTs of the webhook body at `clients` clients.
func pgbenchInsertRate(_ postgres: ScratchPostgres, clients: Int, seconds: Int, script: String) -> Double? {
    let run = shell(
        "pgbench \(postgres.connection) -n -c \(clients) -j \(min(2, clients)) -T \(seconds) -f \(script) postgres")
    guard let tpsLine = run.output.split(separator: "\n").first(where: { $0.hasPrefix("tps") }) else { return nil }
    return tpsLine.split(separator: " ").dropFirst(2).first.flatMap { Double($0) }
}

// MARK: - Ingest

/// Durable ingest at 1, 16, 64 and 256 connections, each beside nginx (same wrk load) and PostgreSQL's
/// durable INSERT at as many clients; CPU per request of both servers; allocations per request at 64
/// connections. Returns the 16-connection p99 (the genpass scenario's updateusers alone).
func ingestBenchmark(folder: String, port: Int, script: String, seconds: Int) -> Double? {
    let nginx = ScratchNginx(folder: folder, port: 18091)
    if nginx == nil { skipped("limit: nginx return 200", needs: "nginx") }
    let postgres = ScratchPostgres()
    let insertScript = "\(folder)/insert.sql"
    if let postgres {
        postgres.psql("CREATE TABLE events(id bigserial PRIMARY KEY, body text)")
        // synchronous_commit and fsync at their defaults (on): each INSERT is durable when answered.
        try!
            "INSERT INTO events(body) VALUES ('contact%5Bid%5D=42&contact%5Bemail%5D=u42%40example.com&contact%5Btags%5D=month%2C+TIER1');\n"
            .write(toFile: insertScript, atomically: true, encoding: .utf8)
        shell("chmod 755 \(folder) && chmod 644 \(insertScript)")
    } else {
        skipped("peer: PostgreSQL durable INSERT (pgbench)", needs: "postgresql")
    }
    if !AllocationCounter.interposed {
        say("allocations per request: not counted, malloc interposition did not take in this build")
    }

    struct Row {
        var ours: WrkResult
        var ourCPU: Double
        var nginx: WrkResult?
        var nginxCPU: Double?
        var postgres: Double?
        var allocations: Double?
    }
    var rows: [Int: Row] = [:]
    for connections in [1, 16, 64, 256] {
        let metricsBefore = serverMetrics(port: port)
        let cpuBefore = cpuSeconds(of: [getpid()])
        let run = wrk(connections: connections, port: port, script: script, seconds: seconds)
        let cpu = cpuSeconds(of: [getpid()]) - cpuBefore
        let metricsAfter = serverMetrics(port: port)
        let rejected = rejectionWords(before: metricsBefore.map(rejections), after: metricsAfter.map(rejections))
        guard let ours = run else {
            say("durable ingest, \(connections) connections: wrk gave no figures")
            continue
        }
        var row = Row(ours: ours, ourCPU: cpu / Double(max(1, ours.requests)) * 1e6)
        if let nginx {
            let processes = nginx.processes
            let before = cpuSeconds(of: processes)
            row.nginx = wrk(connections: connections, port: nginx.port, script: script, seconds: seconds)
            if let requests = row.nginx?.requests, requests > 0 {
                row.nginxCPU = (cpuSeconds(of: processes) - before) / Double(requests) * 1e6
            }
        }
        if let postgres {
            row.postgres = pgbenchInsertRate(postgres, clients: connections, seconds: seconds, script: insertScript)
        }
        rows[connections] = row

        var line = String(
            format: "durable ingest, %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms", connections,
            ours.requestsPerSecond, ours.p50, ours.p99, ours.max)
        // Over the append queue's limit (128 waiting) part of the answers are 503: say how many.
        if ours.non2xx > 0 { line += " (\(ours.non2xx) of \(ours.requests) answered non-2xx)" }
        if ours.socketErrors > 0 { line += ", \(socketErrorWords(ours))" }
        if rejected != "none" { line += ", refused by the HTTP layer: \(rejected)" }
        if let nginx = row.nginx {
            line += String(
                format: "  %.2f× nginx (%.0f req/s)", ours.requestsPerSecond / nginx.requestsPerSecond,
                nginx.requestsPerSecond)
        }
        if let tps = row.postgres {
            line += String(format: "  %.2f× PostgreSQL INSERT (%.0f tps)", ours.requestsPerSecond / tps, tps)
        }
        say(line)
        // What a request costs in CPU: on two cores shared with wrk, this is what bounds req/s.
        var cost = String(format: "    server CPU per request: ours %.1f µs", row.ourCPU)
        if let nginxCPU = row.nginxCPU { cost += String(format: ", nginx %.1f µs", nginxCPU) }
        // The group commit: how many records each write + fdatasync made durable.
        let series = ["memberledger_journal_records_total", "memberledger_journal_syncs_total"]
        if let before = metricsBefore, let after = metricsAfter {
            let delta = series.map { (after[$0] ?? 0) - (before[$0] ?? 0) }
            if delta[1] > 0 {
                cost += String(
                    format: "; journal: %.0f fdatasyncs/s, %.1f records each", delta[1] / Double(seconds),
                    delta[0] / delta[1])
            }
        }
        say(cost)
    }
    // Allocations in a 64-connection run of their own, so that the counter (an atomic add both cores
    // share) weighs on none of the figures above.
    if AllocationCounter.interposed {
        let mark = AllocationCounter.start()
        let run = wrk(connections: 64, port: port, script: script, seconds: max(3, seconds / 2))
        let allocations = AllocationCounter.stop(since: mark)
        if let run, run.requests > 0 {
            rows[64]?.allocations = Double(allocations) / Double(run.requests)
            say(
                String(
                    format:
                        "allocations per request at 64 connections: %.1f (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign; whole process; a %d s run of its own, counting on: %.0f req/s)",
                    Double(allocations) / Double(run.requests), max(3, seconds / 2), run.requestsPerSecond))
        }
    }

    // The issue's first target, gathered: the 64-connection run against its peers.
    if let row = rows[64] {
        let best = rows.compactMap { connections, row in row.postgres.map { (connections, $0) } }.max { $0.1 < $1.1 }
        var parts = [String(format: "%.0f req/s", row.ours.requestsPerSecond)]
        if let nginx = row.nginx {
            parts.append(
                String(
                    format: "%.2f× nginx with %d workers (%.0f req/s; target ≥ 0.5×)",
                    row.ours.requestsPerSecond / nginx.requestsPerSecond,
                    ProcessInfo.processInfo.activeProcessorCount, nginx.requestsPerSecond))
        } else {
            parts.append("nginx skipped")
        }
        if let (clients, tps) = best {
            parts.append(
                String(
                    format: "%.2f× PostgreSQL's best durable INSERT rate (%.0f tps at %d clients; target ≥ 3×)",
                    row.ours.requestsPerSecond / tps, tps, clients))
        } else {
            parts.append("PostgreSQL skipped")
        }
        parts.append(String(format: "p99 %.2f ms (target ≤ 10 ms)", row.ours.p99))
        var cpu = String(format: "server CPU %.1f µs per request (target ≤ 15 µs", row.ourCPU)
        if let nginxCPU = row.nginxCPU { cpu += String(format: "; nginx %.1f µs", nginxCPU) }
        parts.append(cpu + ")")
        if let allocations = row.allocations {
            parts.append(String(format: "%.1f allocations per request", allocations))
        }
        say("ingest at 64 connections: " + parts.joined(separator: ", "))
    }
    return rows[16]?.ours.p99
}

// MARK: - Overload

/// 10× the 64-connection load with wrk's timeout at 1 s: every request must be answered 200, or 503 with
/// `Retry-After`, within the second (a slower answer is a wrk timeout, a socket error), and every 200
/// must be in the journal: the seq each 200 names is looked up among the records the journal gained.
func overloadBenchmark(server: WebhookServer, folder: String, port: Int, seconds: Int) {
    let seqFile = "\(folder)/overload-seqs.txt"
    let script = "\(folder)/overload.lua"
    try! (updateUserLua(handshake: benchHandshake, members: benchMembers) + luaTally(seqFile: seqFile))
        .write(toFile: script, atomically: true, encoding: .utf8)
    let journal = DataFolder(path: "\(folder)/data").journal
    let offset = fileSize(journal)
    let headBefore = server.head.seq
    let rejectedBefore = serverRejections(port: port)
    guard let run = wrk(connections: 640, port: port, script: script, seconds: seconds, timeout: 1) else {
        return say("overload, 640 connections: wrk gave no figures")
    }
    // Answers still owed when wrk stopped may land after it; none of them counts as a 200.
    usleep(300_000)
    let rejectedAfter = serverRejections(port: port)
    let journaled = journalSeqs(journal, from: offset)
    let answeredSeqs = ((try? String(contentsOfFile: seqFile, encoding: .utf8)) ?? "")
        .split(separator: "\n").compactMap { Int64($0) }
    let missing = answeredSeqs.filter { !journaled.contains($0) }.count
    let repeated = answeredSeqs.count - Set(answeredSeqs).count
    let ok = run.tallies["ok"] ?? 0
    let refused = run.tallies["refused"] ?? 0
    say(
        String(
            format:
                "overload, 640 connections, wrk --timeout 1s: %d answered (%.0f/s): %d × 200, %d × 503 (%d with Retry-After), %d other; %@; p99 %.0f ms, max %.0f ms",
            run.requests, run.requestsPerSecond, ok, refused, run.tallies["retryAfter"] ?? 0, run.tallies["other"] ?? 0,
            socketErrorWords(run), run.p99, run.max))
    say(
        "    journal gained \(journaled.count) records (head \(headBefore) → \(server.head.seq)); of the \(ok) "
            + "answered 200, \(answeredSeqs.count) named a seq, \(missing) of them not in the journal"
            + (repeated > 0 ? ", \(repeated) seqs named twice" : "") + "; outcomes of the 200s: \(outcomeWords(run))")
    say(
        "    closed or refused by the HTTP layer before reaching the handler: "
            + rejectionWords(before: rejectedBefore, after: rejectedAfter))
}

/// The size of a file in bytes; 0 when it cannot be read.
func fileSize(_ path: String) -> UInt64 {
    var info = stat()
    return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
}

/// The seqs of the whole records (`{"v":1,"seq":N,…}` lines) from `offset` on.
func journalSeqs(_ path: String, from offset: UInt64) -> Set<Int64> {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    try? handle.seek(toOffset: offset)
    let bytes = [UInt8]((try? handle.readToEnd()) ?? Data())
    let prefix = Array(#"{"v":1,"seq":"#.utf8)
    var seqs = Set<Int64>()
    var start = 0
    while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = bytes[start..<newline]
        if line.starts(with: prefix) {
            let digits = line.dropFirst(prefix.count).prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            if let seq = Int64(String(decoding: digits, as: UTF8.self)) { seqs.insert(seq) }
        }
        start = newline + 1
    }
    return seqs
}
