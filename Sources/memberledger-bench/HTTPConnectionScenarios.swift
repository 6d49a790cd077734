import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer

/// The Python that runs the clients, or nil (with a skipped line) when there is none.
private func pythonClients(folder: String, scenario: String) -> String? {
    guard installed("python3") else {
        skipped(scenario, needs: "python3")
        return nil
    }
    let path = "\(folder)/bench_clients.py"
    if !FileManager.default.fileExists(atPath: path) {
        try! benchClientsPython.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return "python3 \(path)"
}

/// A JSON object line a client printed, or nil.
private func jsonObject(_ line: String?) -> [String: Any]? {
    guard let line, let data = line.data(using: .utf8) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}

/// `{"a": 1, "b": 2}` as `a 1, b 2`; "none" when empty.
private func countWords(_ value: Any?) -> String {
    guard let counts = value as? [String: Any], !counts.isEmpty else { return "none" }
    return counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
}

private func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? 0 }

/// The sum of a JSON object's counts.
private func total(_ value: Any?) -> Int {
    (value as? [String: Any])?.values.reduce(0) { $0 + Int(number($1)) } ?? 0
}

// MARK: - Idle keep-alive connections

/// `count` keep-alive connections held idle after one request each, by a Python client in another
/// process: the server's RSS growth per connection, its thread count before and while it holds them, and
/// the CPU it spends while they idle. A server of its own, with the idle timeout raised to 120 s: `serve`
/// closes keep-alive connections after 5 s idle, before they could be counted.
func idleConnectionsBenchmark(folder: String, count wanted: Int, limit descriptors: Int) {
    let scenario = "\(wanted) idle keep-alive connections"
    guard let python = pythonClients(folder: folder, scenario: scenario) else { return }
    // The server needs a descriptor per connection, plus its own (journal, poller, listener, the other
    // servers' connections).
    let count = min(wanted, descriptors - 500)
    var http = HTTPServerConfiguration()
    http.port = 18093
    http.readTimeoutSeconds = 120
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: DataFolder(path: "\(folder)/idle-data"), http: http, handshake: benchHandshake))
    try! server.start()
    defer { server.shutdown() }
    // A few requests first, so that the server's first-request allocations are not counted as the
    // connections'.
    for _ in 0..<3 { shell("curl -s -o /dev/null http://127.0.0.1:\(http.port)/healthz") }
    usleep(200_000)
    let rssBefore = processSize("VmRSS")
    let threadsBefore = threadCount()
    guard
        let client = ChildProcess(
            "exec \(python) idle \(http.port) \(count)", errors: "\(folder)/idle-client.log")
    else { return say("\(scenario): the Python client did not start") }
    let opened = jsonObject(client.readLine(timeout: 300))
    guard let opened else {
        _ = client.finish(timeout: 10)
        return say("\(scenario): the Python client printed nothing (see its log)")
    }
    usleep(1_000_000)
    let rssHeld = processSize("VmRSS")
    let threadsHeld = threadCount()
    let cpuBefore = cpuSeconds(of: [getpid()])
    let idleSeconds = 3.0
    usleep(UInt32(idleSeconds * 1e6))
    let idleCPU = (cpuSeconds(of: [getpid()]) - cpuBefore) / idleSeconds
    let threadsLater = threadCount()
    let held = jsonObject(client.finish(timeout: 60).last)
    usleep(500_000)
    let rssAfter = processSize("VmRSS")

    let open = Int(number(opened["open"]))
    let growth = Double(rssHeld - rssBefore)
    say(
        String(
            format:
                "%d idle keep-alive connections (a Python client in another process; one GET /healthz answered on each; idle timeout raised to 120 s for this server): %d opened in %.1f s (answers: %@; errors: %@)",
            count, open, number(opened["seconds"]), countWords(opened["statuses"]), countWords(opened["errors"])))
    say(
        String(
            format:
                "    server RSS %.1f → %.1f MiB while held: %.1f KiB per connection (target ≤ 16 KiB); %.1f MiB after they closed",
            Double(rssBefore) / 1_048_576, Double(rssHeld) / 1_048_576, growth / 1024 / Double(max(1, open)),
            Double(rssAfter) / 1_048_576))
    say(
        String(
            format:
                "    threads %d before, %d while held, %d %.0f s later; server CPU while they idled: %.1f%% of a core; %@ of %d still open when let go",
            threadsBefore, threadsHeld, threadsLater, idleSeconds, idleCPU * 100,
            held.map { String(Int(number($0["still_open"]))) } ?? "?", open))
}

// MARK: - Slow senders

/// 1 000 connections that each send a request line, then one header line a second and never finish,
/// reconnecting whenever the server closes them (a Python asyncio client in another process), while a
/// second client sends real aal_updateuser webhooks at 200 a second, each on a new connection as a CRM
/// sends them, timed from connect to answer. With `spread`, each slow sender has an address of its own
/// (127.0.x.y); without, all of them share 127.0.0.1 with the webhooks.
func slowClientsBenchmark(folder: String, port: Int, seconds: Int, spread: Bool) {
    let senders = 1000
    let rate = 200
    let scenario =
        "slow senders (\(senders), one header line a second, reconnecting when closed, "
        + (spread ? "each from its own 127.0.x.y address)" : "all from 127.0.0.1 like the webhooks)")
    guard let python = pythonClients(folder: folder, scenario: scenario) else { return }
    let metricsBefore = serverRejections(port: port)
    guard
        let slow = ChildProcess(
            "exec \(python) slow \(port) \(senders) \(seconds + 3) \(spread ? 1 : 0) \(benchHandshake)",
            errors: "\(folder)/slow-client.log")
    else { return say("\(scenario): the Python client did not start") }
    let ready = jsonObject(slow.readLine(timeout: 60))
    // Held a moment, so that the webhooks meet senders that have been trickling for a while.
    usleep(1_000_000)
    let threadsBefore = threadCount()
    let cpuBefore = cpuSeconds(of: [getpid()])
    let webhooks = jsonObject(
        shell("\(python) webhooks \(port) \(rate) \(seconds) \(benchHandshake) 2> \(folder)/webhooks-client.log")
            .output.split(separator: "\n").last.map(String.init))
    let cpu = (cpuSeconds(of: [getpid()]) - cpuBefore) / Double(seconds)
    let threadsDuring = threadCount()
    let stats = jsonObject(slow.finish(timeout: Double(seconds) + 30).last)
    let metricsAfter = serverRejections(port: port)

    say(
        "\(scenario): \(ready.map { String(Int(number($0["ready"]))) } ?? "?") connected at first; "
            + (stats.map {
                "\(Int(number($0["connects"]))) connections in all, at most \(Int(number($0["most_held"]))) open at once, "
                    + "\(Int(number($0["closed_by_server"]))) closed by the server (answers seen: \(countWords($0["answers"]))), "
                    + "connect errors: \(countWords($0["connect_errors"]))"
            } ?? "the client printed no figures"))
    guard let webhooks else { return say("    webhooks: the client printed no figures") }
    let statuses = webhooks["statuses"] as? [String: Any] ?? [:]
    let ok = Int(number(statuses["200"]))
    let refused = total(statuses) - ok + total(webhooks["errors"])
    say(
        String(
            format:
                "    real webhooks (new connection each, %d/s): %d answered, p50 %.1f ms, p99 %.1f ms (target ≤ 100 ms), max %.0f ms; refused %d (target 0): statuses %@, errors %@",
            rate, Int(number(webhooks["answered"])), number(webhooks["p50"]), number(webhooks["p99"]),
            number(webhooks["max"]), refused, countWords(statuses), countWords(webhooks["errors"])))
    say(
        String(
            format: "    server CPU meanwhile %.0f%% of a core; threads %d → %d; refused by the HTTP layer: %@",
            cpu * 100,
            threadsBefore, threadsDuring, rejectionWords(before: metricsBefore, after: metricsAfter)))
}

/// The server's /metrics as series (`memberledger_journal_syncs_total`, `memberledger_requests_total{…}`)
/// and values; nil when it did not answer.
func serverMetrics(port: Int) -> [String: Double]? {
    let text = shell("curl -s http://127.0.0.1:\(port)/metrics").output
    guard !text.isEmpty else { return nil }
    var values: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            continue
        }
        values[String(line[..<space])] = value
    }
    return values
}

/// The server's count of requests its HTTP layer refused itself (`command="http"` in /metrics), by
/// status: 408 for slow senders timed out or closed to make room.
func serverRejections(port: Int) -> [String: Int]? {
    serverMetrics(port: port).map(rejections)
}

/// The HTTP layer's refusals in a reading of /metrics, by status.
func rejections(_ metrics: [String: Double]) -> [String: Int] {
    let prefix = #"memberledger_requests_total{command="http",status=""#
    var counts: [String: Int] = [:]
    for (series, value) in metrics where series.hasPrefix(prefix) {
        counts[String(series.dropFirst(prefix.count).prefix { $0 != "\"" })] = Int(value)
    }
    return counts
}

/// What the HTTP layer refused between two readings of /metrics, in words (`12 × 408`).
func rejectionWords(before: [String: Int]?, after: [String: Int]?) -> String {
    guard let after else { return "unknown (no /metrics)" }
    let counts = after.map { status, count in (status, count - (before?[status] ?? 0)) }.filter { $0.1 > 0 }
    return counts.isEmpty ? "none" : counts.sorted { $0.0 < $1.0 }.map { "\($0.1) × \($0.0)" }.joined(separator: ", ")
}

// MARK: - Genpass burst

/// A burst of new members: 64 connections of `aal_genpass` for contacts the ledger has never seen, so
/// each request hashes a password with PBKDF2 at the production 600 000 iterations on the bounded
/// hashing pool (a 503 when it is full: the load then waits a second, as `Retry-After: 1` asks), while
/// 16 other connections send aal_updateuser for existing members: their latency is the figure, beside
/// the same 16-connection load without the burst earlier in this run.
func genpassBurstBenchmark(folder: String, seconds: Int, updatesAloneP99: Double?) {
    let data = "\(folder)/genpass-data"
    importMembers(into: data, count: benchMembers)
    var http = HTTPServerConfiguration()
    http.port = 18092
    let server = try! WebhookServer(
        configuration: ServerConfiguration(folder: DataFolder(path: data), http: http, handshake: benchHandshake))
    try! server.start()
    defer { server.shutdown() }
    let genpassScript = "\(folder)/genpass.lua"
    try! (newMemberGenpassLua(handshake: benchHandshake) + luaTally(backoff: true))
        .write(toFile: genpassScript, atomically: true, encoding: .utf8)
    let updateScript = "\(folder)/updateuser-beside-genpass.lua"
    try! updateUserLua(handshake: benchHandshake, members: benchMembers)
        .write(toFile: updateScript, atomically: true, encoding: .utf8)
    let genpassOutput = "\(folder)/genpass-wrk.txt"
    let updateOutput = "\(folder)/update-wrk.txt"
    let cpuBefore = cpuSeconds(of: [getpid()])
    shell(
        wrkCommand(connections: 64, port: http.port, script: genpassScript, seconds: seconds, timeout: 30)
            + " > \(genpassOutput) & "
            + wrkCommand(connections: 16, port: http.port, script: updateScript, seconds: seconds, timeout: 2)
            + " > \(updateOutput); wait")
    let cpu = (cpuSeconds(of: [getpid()]) - cpuBefore) / Double(seconds)
    let burst = parseWrk((try? String(contentsOfFile: genpassOutput, encoding: .utf8)) ?? "")
    let updates = parseWrk((try? String(contentsOfFile: updateOutput, encoding: .utf8)) ?? "")
    if let burst {
        let ok = burst.tallies["ok"] ?? 0
        say(
            String(
                format:
                    "genpass burst (new members, PBKDF2 600000 iterations), 64 connections, a 503 retried after 1 s: %d answered 200 (%.1f/s), %d answered 503, %d other; p50 %.0f ms, p99 %.0f ms, max %.0f ms; %@",
                ok, Double(ok) / max(1, burst.seconds), burst.tallies["refused"] ?? 0, burst.tallies["other"] ?? 0,
                burst.p50, burst.p99, burst.max, socketErrorWords(burst)))
    } else {
        say("genpass burst: wrk gave no figures")
    }
    guard let updates else { return say("    updateusers beside it: wrk gave no figures") }
    var line = String(
        format:
            "    meanwhile 16 connections of aal_updateuser: %.0f req/s, p50 %.2f ms, p99 %.2f ms (target ≤ 20 ms), max %.1f ms, %d non-2xx, %@",
        updates.requestsPerSecond, updates.p50, updates.p99, updates.max, updates.non2xx, socketErrorWords(updates))
    if let updatesAloneP99 { line += String(format: "; alone earlier in this run: p99 %.2f ms", updatesAloneP99) }
    say(line + String(format: "; server CPU %.0f%% of a core", cpu * 100))
}
