import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer

/// What wrk measured.
struct WrkResult {
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var max: Double
    var requests: Int
    var non2xx: Int
    var socketErrors: Int
}

/// Runs wrk with the script against a port and reads its figures (latencies in milliseconds).
func wrk(connections: Int, port: Int, script: String, seconds: Int = 10, timeout: Int = 2) -> WrkResult? {
    let threads = min(2, connections)
    let result = shell(
        "wrk -t\(threads) -c\(connections) -d\(seconds)s --timeout \(timeout)s --latency -s \(script) "
            + "http://127.0.0.1:\(port)/")
    func milliseconds(_ text: Substring) -> Double? {
        let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            if let value = Double(text.dropLast(unit.count)) { return value * factor }
        }
        return nil
    }
    var figures = WrkResult(requestsPerSecond: 0, p50: 0, p99: 0, max: 0, requests: 0, non2xx: 0, socketErrors: 0)
    for line in result.output.split(separator: "\n") {
        let words = line.split(separator: " ")
        if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap({ Double($0) }) {
            figures.requestsPerSecond = value
        }
        if words.first == "50%", let value = words.last.flatMap(milliseconds) { figures.p50 = value }
        if words.first == "99%", let value = words.last.flatMap(milliseconds) { figures.p99 = value }
        if words.first == "Latency", words.count >= 4, let value = milliseconds(words[3]) { figures.max = value }
        if line.contains("requests in"), let value = words.first.flatMap({ Int($0) }) { figures.requests = value }
        if line.contains("Non-2xx"), let value = words.last.flatMap({ Int($0) }) { figures.non2xx = value }
        if line.contains("Socket errors") {
            figures.socketErrors = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
        }
    }
    return figures.requestsPerSecond > 0 ? figures : nil
}

/// Scenario 4: durable HTTP ingest under wrk at 1, 16, 64 and 256 connections, beside nginx answering
/// `return 200` (the HTTP limit) and PostgreSQL's durable INSERT of the same bodies (pgbench), then a
/// 10× overload run that must answer every request (200 or 503) in under a second and lose none.
func httpBenchmark(overloadOnly: Bool = false) {
    say("== HTTP ingest (wrk, 10 s per run, ActiveCampaign-style aal_updateuser bodies) ==")
    guard installed("wrk") else { return skipped("HTTP ingest", needs: "wrk") }
    let folder = temporaryFolder("http")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let handshake = "benchhandshake0123456789"
    do {
        let writer = try! JournalWriter(folder: DataFolder(path: "\(folder)/data"))
        let members = (0..<5000).map {
            EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: String($0)))))
        }
        _ = try! writer.append(contentsOf: members)
    }
    var http = HTTPServerConfiguration()
    http.port = 18090
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: DataFolder(path: "\(folder)/data"), http: http, handshake: handshake, passwordIterations: 1000))
    try! server.start()
    defer { server.shutdown() }
    let script = "\(folder)/post.lua"
    try! """
    counter = 0
    request = function()
      counter = counter + 1
      local body = "contact%5Bid%5D=" .. (counter % 5000) .. "&contact%5Bemail%5D=u" .. counter .. "%40example.com&contact%5Btags%5D=month%2C+TIER" .. (counter % 3)
      return wrk.format("POST", "/?aal_updateuser=\(handshake)", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
    end
    """.write(toFile: script, atomically: true, encoding: .utf8)

    var nginxRunning = false
    if installed("nginx") {
        try! """
        daemon off; pid \(folder)/nginx.pid; error_log \(folder)/nginx.log; worker_processes 1;
        events { worker_connections 1024; }
        http { access_log off; client_body_temp_path \(folder); server { listen 127.0.0.1:18091; location / { return 200 'ok'; } } }
        """.write(toFile: "\(folder)/nginx.conf", atomically: true, encoding: .utf8)
        shell("nginx -c \(folder)/nginx.conf -p \(folder) > /dev/null 2>&1 &")
        nginxRunning =
            shell(
                "for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null http://127.0.0.1:18091/ && exit 0; sleep 0.2; done; exit 1"
            ).status == 0
    }
    if !nginxRunning { skipped("limit: nginx return 200", needs: "nginx") }
    defer { if nginxRunning { shell("kill $(cat \(folder)/nginx.pid)") } }
    let postgres = ScratchPostgres()
    if let postgres {
        postgres.psql("CREATE TABLE events(id bigserial PRIMARY KEY, body text)")
        try!
            "INSERT INTO events(body) VALUES ('contact%5Bid%5D=42&contact%5Bemail%5D=u42%40example.com&contact%5Btags%5D=month%2C+TIER1');\n"
            .write(toFile: "\(folder)/insert.sql", atomically: true, encoding: .utf8)
        shell("chmod 755 \(folder) && chmod 644 \(folder)/insert.sql")
    } else {
        skipped("peer: PostgreSQL durable INSERT (pgbench)", needs: "postgresql")
    }

    let nginxMaster =
        nginxRunning
        ? pid_t(
            (try? String(contentsOfFile: "\(folder)/nginx.pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") : nil
    for connections in overloadOnly ? [] : [1, 16, 64, 256] {
        let cpuBefore = cpuSeconds(of: [getpid()])
        guard let ours = wrk(connections: connections, port: 18090, script: script) else {
            say("\(connections) connections: wrk gave no figures")
            continue
        }
        let ourCPU = (cpuSeconds(of: [getpid()]) - cpuBefore) / Double(max(1, ours.requests)) * 1e6
        var line = String(
            format: "durable ingest, %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms", connections,
            ours.requestsPerSecond, ours.p50, ours.p99, ours.max)
        // Over the connection cap (128) part of the answers are 503: say how many, never count them silently.
        if ours.non2xx > 0 { line += " (\(ours.non2xx) of \(ours.requests) answered 503)" }
        if nginxRunning, let nginx = wrk(connections: connections, port: 18091, script: script) {
            line += String(
                format: "  %.2f× nginx (%.0f req/s)", ours.requestsPerSecond / nginx.requestsPerSecond,
                nginx.requestsPerSecond)
        }
        // What a request costs the server in CPU: on two cores shared with wrk, this is what bounds req/s.
        var cost = String(format: "    server CPU per request: ours %.1f µs", ourCPU)
        if let nginxMaster,
            let nginxCPU = nginxCPUPerRequest(master: nginxMaster, connections: connections, script: script)
        {
            cost += String(format: ", nginx %.1f µs (a second wrk run, for its CPU)", nginxCPU)
        }
        if let postgres {
            let run = shell(
                "pgbench \(postgres.connection) -n -c \(connections) -j \(min(2, connections)) -T 10 -f \(folder)/insert.sql postgres"
            )
            if let tpsLine = run.output.split(separator: "\n").first(where: { $0.hasPrefix("tps") }),
                let tps = tpsLine.split(separator: " ").dropFirst(2).first.flatMap({ Double($0) })
            {
                line += String(format: "  %.2f× PostgreSQL INSERT (%.0f tps)", ours.requestsPerSecond / tps, tps)
            }
        }
        say(line)
        say(cost)
    }
    // 10× the 64-connection load: more connections than the server takes; every one must be answered.
    let before = server.head.seq
    if let overload = wrk(connections: 640, port: 18090, script: script) {
        let journaled = server.head.seq - before
        let answeredOK = overload.requests - overload.non2xx
        say(
            String(
                format:
                    "overload, 640 connections: %d requests, %d answered 503, %d socket errors, max latency %.0f ms, %d journaled for %d answered 200 (%@)",
                overload.requests, overload.non2xx, overload.socketErrors, overload.max, journaled, answeredOK,
                Int(journaled) >= answeredOK ? "none lost" : "LOST"))
    }
    genpassBurstBenchmark(folder: folder)
}

/// A burst of new members: `aal_genpass` for contacts the ledger has never seen, so each request hashes
/// a password with PBKDF2 at the production 600 000 iterations (80 ms of CPU with SHA-NI) before it is
/// recorded. This is what a CRM's first sync of a list looks like, and the costliest request there is.
func genpassBurstBenchmark(folder: String) {
    var http = HTTPServerConfiguration()
    http.port = 18092
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: DataFolder(path: "\(folder)/genpass-data"), http: http, handshake: "benchhandshake0123456789"))
    try! server.start()
    defer { server.shutdown() }
    let script = "\(folder)/genpass.lua"
    // A prefix per wrk thread (a fresh table's address) keeps contact ids unique across threads.
    try! """
    counter = 0
    prefix = ""
    init = function(args) prefix = string.gsub(tostring({}), "[^%w]", "") end
    request = function()
      counter = counter + 1
      local body = "contactId=" .. prefix .. "-" .. counter .. "&Email=new" .. counter .. "%40example.com"
      return wrk.format("POST", "/?aal_genpass=benchhandshake0123456789", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
    end
    """.write(toFile: script, atomically: true, encoding: .utf8)
    guard let burst = wrk(connections: 64, port: 18092, script: script, timeout: 30) else {
        return say("genpass burst: wrk gave no figures")
    }
    say(
        String(
            format:
                "genpass burst (new members, PBKDF2 600000 iterations), 64 connections: %.0f req/s, p50 %.0f ms, p99 %.0f ms, max %.0f ms, %d answered 503, %d socket errors",
            burst.requestsPerSecond, burst.p50, burst.p99, burst.max, burst.non2xx, burst.socketErrors))
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

/// nginx's worker processes: the children of its master (the parent pid is the 4th field overall).
func nginxWorkers(master: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { pid_t($0) }.filter { pid in
        guard let fields = procStatFields(pid), fields.count > 1 else { return false }
        return pid_t(fields[1]) == master
    }
}

/// nginx's CPU per request over one more wrk run against it.
func nginxCPUPerRequest(master: pid_t, connections: Int, script: String) -> Double? {
    let processes = [master] + nginxWorkers(master: master)
    let before = cpuSeconds(of: processes)
    guard let run = wrk(connections: connections, port: 18091, script: script, seconds: 5), run.requests > 0 else {
        return nil
    }
    return (cpuSeconds(of: processes) - before) / Double(run.requests) * 1e6
}
