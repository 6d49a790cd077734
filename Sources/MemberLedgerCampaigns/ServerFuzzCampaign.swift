import Foundation
import MemberLedgerTesting
import Synchronization

/// Mutated requests against the real server over loopback, from several connections at once: each
/// input is sent, the sending side closed, and whatever comes back read to the end. Every hundredth
/// request is a valid webhook, which must still be answered 200. At the end the server must be alive
/// and answer its health check; its peak RSS is reported.
public struct ServerFuzzCampaign: Sendable {
    /// The mutator over the valid fixtures.
    public let mutator: Mutator
    /// A valid request that must keep being served.
    public let valid: [UInt8]
    /// The server's data folder.
    public let data: String
    /// Where the server's access log goes.
    public let logPath: String

    /// A campaign against a server on `data`.
    public init(fixtures: [[UInt8]], valid: [UInt8], data: String, logPath: String) {
        mutator = Mutator(corpus: fixtures)
        self.valid = valid
        self.data = data
        self.logPath = logPath
    }

    /// Sends `inputs` mutations from `seed` over `connections` parallel clients.
    public func run(inputs: Int, seed: UInt64, connections: Int = 8) -> CampaignReport {
        var report = CampaignReport(name: "server fuzzing (over loopback)")
        let server: ServerProcess
        do {
            server = try ServerProcess(data: data, logPath: logPath)
        } catch {
            report.failures.append(.init(seed: seed, message: "the server did not start: \(error)"))
            return report
        }
        defer { server.stop() }
        let startRSS = Self.residentKilobytes(pid: server.pid, field: "VmRSS")
        let counters = Mutex(CampaignReport(name: report.name))
        let group = DispatchGroup()
        let port = server.port
        for lane in 0..<connections {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var random = SplitMix64(seed: seed &+ UInt64(lane))
                var local = CampaignReport(name: "")
                for index in stride(from: lane, to: inputs, by: connections) {
                    if index % 100 == 99 {
                        let status = Self.exchange(valid, port: port).flatMap(Self.status)
                        local.count("valid requests served 200", status == 200 ? 1 : 0)
                        if status != 200 {
                            local.failures.append(
                                .init(seed: seed, message: "valid request \(index) got \(status ?? 0)"))
                        }
                        continue
                    }
                    let answer = Self.exchange(mutator.next(using: &random), port: port)
                    local.count("inputs tried")
                    if let status = answer.flatMap(Self.status) {
                        local.count(status >= 500 ? "answered \(status)" : "answered \(status / 100)xx")
                    } else {
                        local.count("closed without an answer")
                    }
                }
                counters.withLock { total in
                    for (name, value) in local.figures { total.count(name, value) }
                    total.failures += local.failures
                }
            }
        }
        group.wait()
        report = counters.withLock { $0 }
        let alive =
            server.isRunning
            && Self.exchange(Array("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8), port: port)
                .flatMap(Self.status) == 200
        report.count("server crashes", alive ? 0 : 1)
        if !alive { report.failures.append(.init(seed: seed, message: "the server is gone or unhealthy")) }
        report.count("server RSS at start, KiB", startRSS)
        report.count("server peak RSS, KiB", Self.residentKilobytes(pid: server.pid, field: "VmHWM"))
        return report
    }

    /// Sends the bytes on a new connection, closes the sending side, reads to the end.
    static func exchange(_ bytes: [UInt8], port: Int) -> [UInt8]? {
        guard let client = try? LoopbackClient(port: port, timeoutSeconds: 15) else { return nil }
        try? client.send(bytes)
        client.finishSending()
        return client.readToEnd()
    }

    /// The status code of the first response in `bytes`.
    static func status(_ bytes: [UInt8]) -> Int? {
        guard bytes.starts(with: Array("HTTP/1.1 ".utf8)), bytes.count >= 12 else { return nil }
        return Int(String(decoding: bytes[9..<12], as: UTF8.self))
    }

    /// A memory figure of a process from /proc (0 where there is no /proc).
    static func residentKilobytes(pid: Int32, field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return Int(line?.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
