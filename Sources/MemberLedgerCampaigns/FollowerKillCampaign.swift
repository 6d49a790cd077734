import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerSystem
import MemberLedgerTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A primary under load and a `follow` replica, each SIGKILLed at seeded moments and started again: after
/// every kill the replica's journal must be a prefix of the primary's (it never holds a record the primary
/// lacks, never diverges), and once the load stops it must catch up to a byte-identical copy.
public struct FollowerKillCampaign: Sendable {
    /// Where the primary's and the replica's folders go.
    public let scratch: String

    /// A campaign in `scratch`.
    public init(scratch: String) {
        self.scratch = scratch
    }

    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `rounds` kills from `seed` and reports.
    public func run(rounds: Int, seed: UInt64) -> CampaignReport {
        var report = CampaignReport(name: "primary and follower killed")
        var random = SplitMix64(seed: seed)
        let primary = "\(scratch)/primary"
        let replica = "\(scratch)/replica"
        do {
            let port = try Self.freePort()
            var server = try ServerProcess(
                data: primary, arguments: ["--port", "\(port)"], logPath: "\(scratch)/primary.log")
            let token = try String(contentsOfFile: "\(primary)/admin-token", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var follower = try follow(port: port, token: token, replica: replica, once: false)
            let load = Load(port: port)
            defer {
                load.stop()
                follower.send(SIGKILL)
                _ = follower.wait()
                server.kill()
            }
            for round in 0..<rounds {
                usleep(UInt32.random(in: 50_000...400_000, using: &random))
                if Bool.random(using: &random) {
                    server.kill()
                    report.count("primary kills")
                    try check(primary: primary, replica: replica, round: round)
                    server = try ServerProcess(
                        data: primary, arguments: ["--port", "\(port)"], logPath: "\(scratch)/primary.log")
                } else {
                    follower.send(SIGKILL)
                    _ = follower.wait()
                    report.count("follower kills")
                    try check(primary: primary, replica: replica, round: round)
                    follower = try follow(port: port, token: token, replica: replica, once: false)
                }
                report.count("prefix checks")
            }
            load.stop()
            follower.send(SIGKILL)
            _ = follower.wait()
            let last = try follow(port: port, token: token, replica: replica, once: true)
            guard last.wait().status == 0 else { throw Broken(description: "the last follow --once failed") }
            let primaryBytes = try FileSystem.readFile("\(primary)/journal.jsonl")
            guard try FileSystem.readFile("\(replica)/journal.jsonl") == primaryBytes else {
                throw Broken(description: "after catching up, the replica is not byte-identical to the primary")
            }
            report.count("records acknowledged under kills", load.acknowledged)
            report.count("records in the caught-up replica", Self.lines(primaryBytes) - 1)
        } catch {
            report.failures.append(.init(seed: seed, message: "\(error)"))
        }
        return report
    }

    /// The replica's whole lines must be a prefix of the primary's journal (its torn tail, an append the
    /// kill cut short, is dropped when it starts again).
    func check(primary: String, replica: String, round: Int) throws {
        guard let copied = try? FileSystem.readFile("\(replica)/journal.jsonl") else { return }
        let whole = copied[..<((copied.lastIndex(of: 10) ?? -1) + 1)]
        let source = try FileSystem.readFile("\(primary)/journal.jsonl")
        guard source.starts(with: whole) else {
            throw Broken(description: "round \(round): the replica holds bytes the primary does not")
        }
    }

    func follow(port: Int, token: String, replica: String, once: Bool) throws -> ChildProcess {
        guard let executable = BuiltProduct.path("memberledger") else {
            throw Broken(description: "the memberledger binary is not built")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["MEMBERLEDGER_ADMIN_TOKEN"] = token
        // A follower killed a moment ago may still hold the lock for a few milliseconds.
        for attempt in 0..<100 {
            let child = try ChildProcess(
                executable,
                ["follow", "http://127.0.0.1:\(port)", "--data", replica, "--every", "0.05"] + (once ? ["--once"] : []),
                environment: environment, error: .file("\(scratch)/follow-\(attempt).log"))
            if once { return child }
            usleep(20_000)
            if child.isRunning { return child }
            _ = child.wait()
        }
        throw Broken(description: "follow did not start")
    }

    static func lines(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }

    /// A loopback port free right now (the primary listens on it across restarts).
    static func freePort() throws -> Int {
        let socket = try Socket.listening(host: "127.0.0.1", port: 0, backlog: 1)
        defer { socket.close() }
        return socket.localPort
    }

    /// Four clients posting genpass webhooks until stopped, reconnecting through the primary's restarts.
    final class Load: Sendable {
        private let stopping = Atomic<Bool>(false)
        private let count = Atomic<Int>(0)
        private let done = DispatchGroup()

        init(port: Int) {
            for client in 0..<4 {
                done.enter()
                Thread.detachNewThread { [self] in
                    defer { done.leave() }
                    var index = 0
                    while !stopping.load(ordering: .relaxed) {
                        guard let connection = try? LoopbackClient(port: port, timeoutSeconds: 5) else {
                            usleep(10_000)
                            continue
                        }
                        while !stopping.load(ordering: .relaxed) {
                            index += 1
                            let contact = "f\(client)-\(index)"
                            guard
                                let answer = try? connection.post(
                                    "/?aal_genpass=H4ndSh4k3H4ndSh4k3", form: "contactId=\(contact)")
                            else { break }
                            if answer.status == 200 { count.wrappingAdd(1, ordering: .relaxed) }
                        }
                    }
                }
            }
        }

        var acknowledged: Int { count.load(ordering: .relaxed) }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            done.wait()
        }
    }
}
