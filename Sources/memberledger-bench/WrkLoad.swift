import Foundation

/// What wrk measured.
struct WrkResult {
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var max: Double
    var requests: Int
    var non2xx: Int
    var socketErrors: Int
    /// wrk's socket errors by kind: `connect`, `read`, `write`, `timeout`.
    var errorsByKind: [String: Int] = [:]
    /// What the script's `done` printed as `bench KEY VALUE` lines (the tallies of `luaTally`).
    var tallies: [String: Int] = [:]
    /// The run's length as wrk reports it, in seconds.
    var seconds: Double = 0
}

/// The wrk command line for a run (latencies printed, the script's `done` output included).
func wrkCommand(connections: Int, port: Int, script: String, seconds: Int, timeout: Int) -> String {
    "wrk -t\(min(2, connections)) -c\(connections) -d\(seconds)s --timeout \(timeout)s --latency -s \(script) "
        + "http://127.0.0.1:\(port)/"
}

/// Runs wrk with the script against a port and reads its figures (latencies in milliseconds).
func wrk(connections: Int, port: Int, script: String, seconds: Int = 10, timeout: Int = 2) -> WrkResult? {
    parseWrk(
        shell(wrkCommand(connections: connections, port: port, script: script, seconds: seconds, timeout: timeout))
            .output)
}

/// A duration as wrk prints it (`812.00us`, `1.20ms`, `2.01s`, `1.00m`), in milliseconds.
private func milliseconds(_ text: Substring) -> Double? {
    let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
    for (unit, factor) in units where text.hasSuffix(unit) {
        if let value = Double(text.dropLast(unit.count)) { return value * factor }
    }
    return nil
}

/// wrk's figures from its output; nil when it measured nothing.
func parseWrk(_ output: String) -> WrkResult? {
    var figures = WrkResult(requestsPerSecond: 0, p50: 0, p99: 0, max: 0, requests: 0, non2xx: 0, socketErrors: 0)
    for line in output.split(separator: "\n") {
        let words = line.split(separator: " ")
        if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap({ Double($0) }) {
            figures.requestsPerSecond = value
        }
        if words.first == "50%", let value = words.last.flatMap(milliseconds) { figures.p50 = value }
        if words.first == "99%", let value = words.last.flatMap(milliseconds) { figures.p99 = value }
        if words.first == "Latency", words.count >= 4, let value = milliseconds(words[3]) { figures.max = value }
        if line.contains("requests in"), let value = words.first.flatMap({ Int($0) }) {
            figures.requests = value
            // "123 requests in 10.00s, 45.6MB read"
            if let index = words.firstIndex(of: "in"), index + 1 < words.count {
                figures.seconds = (milliseconds(words[index + 1].filter { $0 != "," }[...]) ?? 0) / 1000
            }
        }
        if line.contains("Non-2xx"), let value = words.last.flatMap({ Int($0) }) { figures.non2xx = value }
        if line.contains("Socket errors:") {
            // "Socket errors: connect 0, read 12, write 0, timeout 3"
            let parts = line.split(separator: ":", maxSplits: 1).last ?? ""
            for part in parts.split(separator: ",") {
                let pair = part.split(separator: " ")
                if pair.count == 2, let value = Int(pair[1]) { figures.errorsByKind[String(pair[0])] = value }
            }
            figures.socketErrors = figures.errorsByKind.values.reduce(0, +)
        }
        if words.count == 3, words[0] == "bench", let value = Int(words[2]) {
            figures.tallies[String(words[1])] = value
        }
    }
    return figures.requestsPerSecond > 0 ? figures : nil
}

/// The socket errors as wrk counts them, in words.
func socketErrorWords(_ run: WrkResult) -> String {
    guard run.socketErrors > 0 else { return "0 socket errors" }
    let kinds = ["connect", "read", "write", "timeout"].compactMap { kind in
        run.errorsByKind[kind].flatMap { $0 > 0 ? "\(kind) \($0)" : nil }
    }
    return "\(run.socketErrors) socket errors (\(kinds.joined(separator: ", ")))"
}

/// Lua for wrk that sends `aal_updateuser` for the members `0..<members` (which must exist, so that the
/// updates apply), each request's email unique to its request and wrk thread: a repeated body would be
/// a duplicate, which the server answers without applying it.
func updateUserLua(handshake: String, members: Int) -> String {
    """
    counter = 0
    prefix = ""
    init = function(args) prefix = string.gsub(tostring({}), "[^%w]", "") end
    request = function()
      counter = counter + 1
      local body = "contact%5Bid%5D=" .. (counter % \(members)) .. "&contact%5Bemail%5D=u" .. prefix .. "-" .. counter .. "%40example.com&contact%5Btags%5D=month%2C+TIER" .. (counter % 3)
      return wrk.format("POST", "/?aal_updateuser=\(handshake)", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
    end

    """
}

/// Lua for wrk that sends `aal_genpass` for contacts the ledger has never seen (each hashes a password),
/// unique across wrk threads.
func newMemberGenpassLua(handshake: String) -> String {
    """
    counter = 0
    prefix = ""
    init = function(args) prefix = string.gsub(tostring({}), "[^%w]", "") end
    request = function()
      counter = counter + 1
      local body = "contactId=" .. prefix .. "-" .. counter .. "&Email=new" .. prefix .. counter .. "%40example.com"
      return wrk.format("POST", "/?aal_genpass=\(handshake)", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
    end

    """
}

/// Lua for wrk that tallies answers by status (`bench ok`, `bench refused` for 503, `bench retryAfter`
/// for 503s that carry `Retry-After`, `bench other`) and 200s by outcome (`bench outcome-applied` …),
/// printed by `done`. With `seqFile`, the seq of every 200 is written there, one a line. With
/// `backoff`, a 503 delays the thread's next request by a second, as `Retry-After: 1` asks.
///
/// Parsing each answer costs wrk CPU on the cores the server shares: used where figures of the answers
/// matter more than throughput.
func luaTally(seqFile: String? = nil, backoff: Bool = false) -> String {
    var lua = """
        threads = {}
        setup = function(thread) table.insert(threads, thread) end
        ok, refused, retryAfter, other = 0, 0, 0, 0
        seqs = {}
        outcomes = {}
        backoff = false
        response = function(status, headers, body)
          if status == 200 then
            ok = ok + 1
            local seq = string.match(body, '"seq":(%d+)')
            if seq then seqs[#seqs + 1] = seq end
            local outcome = string.match(body, '"outcome":"(%a+)"')
            if outcome then outcomes[outcome] = (outcomes[outcome] or 0) + 1 end
          elseif status == 503 then
            refused = refused + 1
            if headers["Retry-After"] then retryAfter = retryAfter + 1 end
            backoff = true
          else
            other = other + 1
          end
        end
        done = function(summary, latency, requests)
          local totals = {ok = 0, refused = 0, retryAfter = 0, other = 0}
          local outcomes = {}
          local file = \(seqFile.map { "io.open(\"\($0)\", \"w\")" } ?? "nil")
          for _, thread in ipairs(threads) do
            for key, _ in pairs(totals) do totals[key] = totals[key] + thread:get(key) end
            for outcome, count in pairs(thread:get("outcomes")) do outcomes[outcome] = (outcomes[outcome] or 0) + count end
            if file then
              for _, seq in ipairs(thread:get("seqs")) do file:write(seq, "\\n") end
            end
          end
          if file then file:close() end
          for key, value in pairs(totals) do print("bench " .. key .. " " .. value) end
          for outcome, count in pairs(outcomes) do print("bench outcome-" .. outcome .. " " .. count) end
        end

        """
    if backoff {
        lua += """
            delay = function()
              if backoff then
                backoff = false
                return 1000
              end
              return 0
            end

            """
    }
    return lua
}

/// The outcomes of the 200s a tallying run counted, in words (`applied 1234, duplicate 5`).
func outcomeWords(_ run: WrkResult) -> String {
    let outcomes = run.tallies.filter { $0.key.hasPrefix("outcome-") }.sorted { $0.value > $1.value }
    guard !outcomes.isEmpty else { return "none" }
    return outcomes.map { "\($0.key.dropFirst("outcome-".count)) \($0.value)" }.joined(separator: ", ")
}
