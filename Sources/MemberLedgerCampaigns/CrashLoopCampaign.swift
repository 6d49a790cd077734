import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Synchronization

/// The real server, SIGKILLed again and again: in each round 64 clients post webhooks and record every
/// acknowledged seq with the body they sent; at a seeded moment (after a random number of
/// acknowledgements) the server dies; the next start recovers the journal, and every acknowledged event
/// must be there with that very body and contact, in a chain that verifies.
public struct CrashLoopCampaign: Sendable {
    /// The data folder the rounds share (the journal grows across rounds).
    public let data: String
    /// Where the server's access log goes.
    public let logPath: String
    /// Concurrent clients.
    public let clients: Int

    /// A campaign on `data` with `clients` concurrent clients.
    public init(data: String, logPath: String, clients: Int = 64) {
        self.data = data
        self.logPath = logPath
        self.clients = clients
    }

    /// Runs `rounds` rounds from `seed` and reports.
    public func run(rounds: Int, seed: UInt64) -> CampaignReport {
        var report = CampaignReport(name: "crash loop")
        var random = SplitMix64(seed: seed)
        var acknowledged: [Int64: String] = [:]
        for round in 0...rounds {
            let roundSeed = random.next()
            do {
                // Each start recovers the previous round's crash; then everything acknowledged so far
                // must be there, before this round loads and kills the server again.
                let server = try ServerProcess(data: data, logPath: logPath)
                defer { server.kill() }
                try check(acknowledged, report: &report)
                guard round < rounds else { break }
                let acks = try load(server, round: round, seed: roundSeed, report: &report)
                acknowledged.merge(acks) { first, _ in first }
                report.count("rounds")
            } catch {
                report.failures.append(.init(seed: roundSeed, message: "round \(round): \(error)"))
            }
        }
        return report
    }

    struct Broken: Error, CustomStringConvertible {
        var description: String
    }

    /// One round's load: 64 clients post until a seeded count of acknowledgements, then SIGKILL.
    func load(_ server: ServerProcess, round: Int, seed: UInt64, report: inout CampaignReport) throws
        -> [Int64: String]
    {
        var random = SplitMix64(seed: seed)
        let killAfter = Int.random(in: 1...600, using: &random)
        let acks = Mutex<[Int64: String]>([:])
        let reached = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let port = server.port
        for client in 0..<clients {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                guard let connection = try? LoopbackClient(port: port) else { return }
                var index = 0
                while true {
                    index += 1
                    let contact = "r\(round)-c\(client)-\(index)"
                    let body = "contactId=\(contact)&email=\(contact)%40example.com"
                    guard let answer = try? connection.post("/?aal_genpass=H4ndSh4k3H4ndSh4k3", form: body)
                    else { return }
                    // Acknowledged = answered with a seq: recorded and durable (a rule's rejection included).
                    guard answer.status == 200 || answer.status == 422, let seq = answer.body.jsonInteger("seq")
                    else { return }
                    let total = acks.withLock { acks in
                        acks[seq] = body
                        return acks.count
                    }
                    if total == killAfter { reached.signal() }
                }
            }
        }
        if reached.wait(timeout: .now() + 120) == .timedOut {
            server.kill()
            throw Broken(description: "fewer than \(killAfter) acknowledgements in 120 s")
        }
        server.kill()
        done.wait()
        report.count("kills")
        let round = acks.withLock { $0 }
        report.count("acknowledged events", round.count)
        return round
    }

    /// Checks every acknowledged event and the chain, reading the journal a freshly started (so
    /// recovered) server holds.
    func check(_ acknowledged: [Int64: String], report: inout CampaignReport) throws {
        let folder = DataFolder(path: data)
        var found: [Int64: String] = [:]
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            // The body as kept, and the contact it named: both must be what the client sent.
            if case .webhookReceived(let webhook) = event.payload, let body = webhook.request?.body,
                let contact = webhook.command.contacts.first?.contactID, body.hasPrefix("contactId=\(contact)&")
            {
                found[event.seq] = body
            }
            return true
        }
        let lost = acknowledged.filter { found[$0.key] != $0.value }
        report.count("acknowledged events lost", lost.count)
        if let first = lost.keys.min() {
            throw Broken(description: "\(lost.count) acknowledged events lost or changed, first seq \(first)")
        }
        guard scan.damage == nil else { throw Broken(description: "the chain does not verify after recovery") }
    }
}
