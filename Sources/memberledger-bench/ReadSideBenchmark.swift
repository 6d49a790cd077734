import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer

/// The admin token every bench server is set up with.
let benchAdminToken = "benchadmintoken0123456789abcdefghij"

/// The read side beside ingest: durable ingest at 64 connections alone, then while 8 clients read
/// members over the API and 16 live feeds are open (the target: within 15 % of the rate alone); then
/// `asOf` reads of members on a 1M-event journal with a snapshot every 100 000 events, as a running
/// server writes them (the target: p99 ≤ 50 ms, each answered from a snapshot and the tail after it).
func readSideBenchmark(seconds: Int = 10, events: Int = 1_000_000, asOfOnly: Bool = false) {
    say("== read side (wrk \(seconds) s per run) ==")
    guard installed("wrk"), installed("curl") else { return skipped("read side", needs: "wrk and curl") }
    _ = raiseDescriptorLimit()
    if !asOfOnly { ingestBesideReaders(seconds: seconds) }
    asOfReads(seconds: seconds, events: events)
}

private func ingestBesideReaders(seconds: Int) {
    let folder = temporaryFolder("reads")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    importMembers(into: "\(folder)/data", count: benchMembers)
    var http = HTTPServerConfiguration()
    http.port = 18093
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: DataFolder(path: "\(folder)/data"), http: http, handshake: benchHandshake,
            passwordIterations: 1000, adminToken: benchAdminToken))
    try! server.start()
    defer { server.shutdown() }
    let ingest = "\(folder)/updateuser.lua"
    try! updateUserLua(handshake: benchHandshake, members: benchMembers)
        .write(toFile: ingest, atomically: true, encoding: .utf8)
    // Member reads flat out, or paced as people and integrations read (each client one read per 50 ms).
    func readScript(paced: Bool) -> String {
        let path = "\(folder)/members-\(paced).lua"
        try! """
        counter = 0
        request = function()
          counter = counter + 1
          return wrk.format("GET", "/api/members/" .. ((counter * 7919) % \(benchMembers)), {["Authorization"] = "Bearer \(benchAdminToken)"})
        end
        \(paced ? "delay = function() return 50 end" : "")

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    // Ready when the log of the imported members is back.
    shell(
        "for i in $(seq 200); do curl -sf -o /dev/null -H 'Authorization: Bearer \(benchAdminToken)' "
            + "http://127.0.0.1:\(http.port)/api/log?limit=1 && exit 0; sleep 0.05; done")

    /// The server's CPU (this process's) per request answered, to tell its own cost from the clients',
    /// which share the same cores.
    func serverCPU(since cpu: Double, requests: Int) -> Double {
        (cpuSeconds(of: [getpid()]) - cpu) / Double(max(1, requests)) * 1e6
    }
    var cpu = cpuSeconds(of: [getpid()])
    guard let alone = wrk(connections: 64, port: http.port, script: ingest, seconds: seconds) else {
        return say("ingest beside readers: wrk measured nothing")
    }
    report("ingest alone, 64 connections", alone.requestsPerSecond, "req/s")
    say(
        String(
            format: "    p99 %.1f ms; server CPU %.1f µs per request", alone.p99,
            serverCPU(since: cpu, requests: alone.requests)))

    for paced in [true, false] {
        // 16 live feeds, each read by `cat` on a bash /dev/tcp socket (the cheapest client there is, as the
        // clients share the server's cores), and 8 member readers beside the 64 ingest connections.
        let pids = "\(folder)/stream-pids-\(paced)"
        for stream in 0..<16 {
            shell(
                "bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(http.port); printf \"GET /api/stream HTTP/1.1\\r\\nHost: x\\r\\n"
                    + "Authorization: Bearer \(benchAdminToken)\\r\\n\\r\\n\" >&3; exec cat <&3' "
                    + "> \(folder)/stream-\(paced)-\(stream).txt 2>/dev/null & echo $! >> \(pids)")
        }
        shell(
            "for i in $(seq 100); do [ $(cat \(folder)/stream-\(paced)-*.txt | grep -c 'live feed') -ge 16 ] && exit 0; "
                + "sleep 0.05; done")
        let headBefore = server.head.seq
        let readerOutput = "\(folder)/readers-\(paced).txt"
        shell(
            wrkCommand(connections: 8, port: http.port, script: readScript(paced: paced), seconds: seconds, timeout: 2)
                + " > \(readerOutput) 2>&1 &")
        cpu = cpuSeconds(of: [getpid()])
        let beside = wrk(connections: 64, port: http.port, script: ingest, seconds: seconds)
        let besideCPU = cpuSeconds(of: [getpid()]) - cpu
        shell("for i in $(seq 100); do grep -q 'Requests/sec' \(readerOutput) && exit 0; sleep 0.05; done")
        let readers = parseWrk((try? String(contentsOfFile: readerOutput, encoding: .utf8)) ?? "")
        let appended = server.head.seq - headBefore
        shell("kill $(cat \(pids)); true")
        let delivered = (0..<16).map { stream in
            ((try? String(contentsOfFile: "\(folder)/stream-\(paced)-\(stream).txt", encoding: .utf8)) ?? "")
                .split(separator: "\n").filter { $0.hasPrefix("id: ") }.count
        }
        guard let beside, let readers else { continue }
        report(
            "ingest beside 8 \(paced ? "paced (20 reads/s each)" : "flat-out") member readers and 16 live feeds",
            beside.requestsPerSecond, "req/s", versus: "ingest alone (target ≥ 0.85)",
            ratio: beside.requestsPerSecond / alone.requestsPerSecond)
        say(
            String(
                format:
                    "    ingest p99 %.1f ms, %d non-2xx; member reads %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d non-2xx; "
                    + "server CPU %.1f µs per request answered", beside.p99, beside.non2xx, readers.requestsPerSecond,
                readers.p50, readers.p99, readers.non2xx,
                besideCPU / Double(max(1, beside.requests + readers.requests)) * 1e6))
        say(
            "    live feeds: at least \(appended) events while open; each feed received "
                + "\(delivered.min() ?? 0)…\(delivered.max() ?? 0) (from when it opened)")
    }
}

private func asOfReads(seconds: Int, events: Int) {
    let folder = temporaryFolder("asof")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let data = DataFolder(path: "\(folder)/data")
    let started = now()
    generateJournal(at: data.path, events: events, members: 100_000)
    // Snapshots every 100 000 events, as a running server writes them (`snapshotEvery`).
    var first: Timestamp?
    var last = Timestamp(microseconds: 0)
    _ = try! LedgerReplay(folder: data).state(useSnapshots: false) { step in
        if first == nil { first = step.event.recordedAt }
        last = step.event.recordedAt
        if step.event.seq % 100_000 == 0 {
            _ = try! SnapshotStore(folder: data).write(step.state, at: step.position, recordOffset: step.recordOffset)
        }
    }
    say(
        String(
            format: "journal of %d events and %d snapshots made in %.1f s", events, events / 100_000, now() - started))
    var http = HTTPServerConfiguration()
    http.port = 18094
    let opened = now()
    let server = try! WebhookServer(
        configuration: ServerConfiguration(
            folder: data, http: http, handshake: benchHandshake, passwordIterations: 1000,
            adminToken: benchAdminToken))
    try! server.start()
    defer { server.shutdown() }
    let listening = now() - opened
    shell(
        "for i in $(seq 600); do curl -sf -o /dev/null -H 'Authorization: Bearer \(benchAdminToken)' "
            + "http://127.0.0.1:\(http.port)/api/log?limit=1 && exit 0; sleep 0.1; done")
    say(
        String(
            format: "server on it: listening after %.2f s, its log of %d events rebuilt after %.1f s", listening,
            events, now() - opened))
    // Random members at random instants across the journal's span.
    let span = max(1, last.microseconds - (first ?? last).microseconds)
    var random = UInt64(7)
    var paths: [String] = []
    for _ in 0..<2000 {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let member = 1 + Int((random >> 33) % 100_000)
        let instant = Timestamp(microseconds: (first ?? last).microseconds + Int64((random >> 20) % UInt64(span)))
        paths.append("/api/members/\(member)?asOf=\(instant.rfc3339.replacingOccurrences(of: ":", with: "%3A"))")
    }
    let script = "\(folder)/asof.lua"
    try! """
    paths = {\(paths.map { "\"\($0)\"" }.joined(separator: ","))}
    counter = 0
    request = function()
      counter = counter + 1
      return wrk.format("GET", paths[(counter % #paths) + 1], {["Authorization"] = "Bearer \(benchAdminToken)"})
    end

    """.write(toFile: script, atomically: true, encoding: .utf8)
    for connections in [1, 4] {
        guard let run = wrk(connections: connections, port: http.port, script: script, seconds: seconds, timeout: 5)
        else { continue }
        report(
            "asOf member reads on \(events) events, \(connections) client\(connections == 1 ? "" : "s")",
            run.requestsPerSecond, "req/s")
        say(
            String(
                format:
                    "    p50 %.1f ms, p99 %.1f ms (target ≤ 50), max %.1f ms; %d answered, %d non-2xx (404: not a member yet)",
                run.p50, run.p99, run.max, run.requests, run.non2xx))
    }
    // A member's history: replayed from the newest snapshot before their first event.
    for member in [1, 99_999] {
        let timed = shell(
            "curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Authorization: Bearer \(benchAdminToken)' "
                + "http://127.0.0.1:\(http.port)/api/members/\(member)/history")
        say("history of member \(member) (created at seq \(member + 1)): \(timed.output) (status, seconds)")
    }
    say(
        "    server RSS after the reads: \(processSize("VmRSS") / (1 << 20)) MiB (the state, the log of 1M events, 2 cached snapshots)"
    )
}
