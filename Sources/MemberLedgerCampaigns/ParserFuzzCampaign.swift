import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerTesting
import MemberLedgerWebhooks

/// The in-process harness: mutated fixture requests through the HTTP request parser and, for each
/// request it yields, the webhook decoder (every CRM dialect, forms, JSON, merge fields). A crash ends
/// the process (and the campaign with it); anything else the parsers do is an answer, which is counted.
public struct ParserFuzzCampaign: Sendable {
    /// The mutator over the valid fixtures.
    public let mutator: Mutator
    /// The handshake the fixtures carry.
    public let handshake: String

    /// A harness over the wire bytes of `fixtures`.
    public init(fixtures: [[UInt8]], handshake: String = "H4ndSh4k3H4ndSh4k3") {
        mutator = Mutator(corpus: fixtures)
        self.handshake = handshake
    }

    /// Tries `inputs` mutations from `seed`.
    public func run(inputs: Int, seed: UInt64) -> CampaignReport {
        var report = CampaignReport(name: "parser fuzzing (in process)")
        var random = SplitMix64(seed: seed)
        let decoder = WebhookDecoder(handshake: handshake)
        for _ in 0..<inputs {
            let input = mutator.next(using: &random)
            report.count("inputs tried")
            let parsed = HTTPRequestParser.parse(input)
            if parsed.refusal != nil { report.count("refused by the HTTP parser") }
            if parsed.refusal == nil && parsed.requests.isEmpty { report.count("incomplete (the server would wait)") }
            for request in parsed.requests {
                report.count("requests parsed")
                let incoming = IncomingRequest(
                    method: request.method, target: request.target,
                    headers: request.headers.map { ($0.name, $0.value) }, body: request.body)
                do {
                    let delivery = try decoder.decode(incoming)
                    report.count("decoded into commands")
                    // Everything the journal would keep: each command with the redacted request, as a line.
                    let kept = delivery.items.map { item in
                        Event(
                            seq: 1, recordedAt: Timestamp(microseconds: 0),
                            payload: .webhookReceived(WebhookReceived(command: item.command, request: delivery.request))
                        ).jsonLine
                    }
                    if kept.contains(where: { ByteSearch.contains($0.utf8, handshake.utf8) }) {
                        report.failures.append(
                            .init(
                                seed: seed,
                                message:
                                    "the handshake would be kept in the journal for \(String(decoding: input.prefix(300), as: UTF8.self).debugDescription)"
                            ))
                    }
                } catch {
                    report.count("refused by the webhook decoder")
                    if ByteSearch.contains("\(error)".utf8, handshake.utf8) {
                        report.failures.append(
                            .init(seed: seed, message: "an error message shows the handshake: \(error)"))
                    }
                }
            }
        }
        report.count("crashes", 0)
        return report
    }
}
