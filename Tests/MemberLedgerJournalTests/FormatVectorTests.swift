import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// The test vectors of `Docs/journal-format.md`: a three-record journal written from fixed inputs must
/// be byte-identical to `Fixtures/journals/three-records.jsonl`, whose hashes the document lists.
@Suite("Journal format test vectors")
struct FormatVectorTests {
    static let fixture = ScenarioFile.fixturesFolder().deletingLastPathComponent()
        .appendingPathComponent("journals/three-records.jsonl")
    static let documentation = ScenarioFile.fixturesFolder().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs/journal-format.md")

    /// The fixed inputs: journal id, a clock ticking one second per reading, three events.
    static func writeVectorJournal(to folder: DataFolder) throws {
        final class Ticks: @unchecked Sendable {
            var next = Timestamp(rfc3339: "2026-03-02T09:00:00Z")!
            func now() -> Timestamp {
                defer { next = next.adding(seconds: 1) }
                return next
            }
        }
        let clock = Ticks()
        let writer = try JournalWriter(
            folder: folder, clock: { clock.now() }, newJournalID: "00112233445566778899aabbccddeeff")
        let genpass = WebhookCommand(
            .genpass, contact: ContactData(contactID: "42", email: "ada@example.com", tags: ["Trial"]))
        let hash = DjangoPasswordHash(password: "correct horse battery", salt: "vectorsalt", iterations: 1000).encoded
        try writer.append(
            EventDraft(
                .webhookReceived(WebhookReceived(command: genpass, generated: GeneratedValues(passwordHash: hash))),
                fingerprint: Fingerprint.of(command: genpass)))
        let fieldop = WebhookCommand(
            .fieldOperation, contact: ContactData(contactID: "42"), parameters: ["operationId": "7"])
        try writer.append(
            EventDraft(
                .webhookReceived(WebhookReceived(command: fieldop, generated: GeneratedValues(entropy: Array(0..<16)))),
                fingerprint: Fingerprint.of(command: fieldop)))
        try writer.append(
            EventDraft(
                .orderCompleted(
                    OrderCompleted(contactID: "42", productID: "11", gateway: .stripe, amount: 4900, currency: "USD")),
                fingerprint: Fingerprint.of(idempotencyKey: "ord_1001"),
                occurredAt: Timestamp(rfc3339: "2026-03-02T08:59:58Z")))
    }

    @Test("writing the vector inputs gives the committed bytes")
    func bytesMatch() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        try Self.writeVectorJournal(to: folder)
        let written = try Data(contentsOf: URL(fileURLWithPath: folder.journal))
        if ProcessInfo.processInfo.environment["MEMBERLEDGER_RECORD_FIXTURES"] == "1" {
            try written.write(to: Self.fixture)
        }
        #expect(written == (try Data(contentsOf: Self.fixture)))
    }

    @Test("every hash the document lists is the hash of the committed file's lines")
    func documentedHashes() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.fixture))
        let scan = JournalReader.scan(bytes: bytes)
        #expect(scan.damage == nil)
        #expect(scan.head.seq == 3)
        let hashes = bytes.split(separator: UInt8(ascii: "\n")).map { line -> String in
            let text = String(decoding: line, as: UTF8.self)
            return String(text.suffix(66).prefix(64))
        }
        let doc = try String(contentsOf: Self.documentation, encoding: .utf8)
        for hash in hashes {
            #expect(doc.contains(hash), "Docs/journal-format.md does not list \(hash)")
        }
        #expect(doc.contains("\(scan.head)"))
    }

    @Test(
        "the Python verifier in the document accepts the vectors and rejects a flipped byte",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func pythonVerifier() throws {
        let doc = try String(contentsOf: Self.documentation, encoding: .utf8)
        let start = try #require(doc.range(of: "```python\n"))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        let temp = TemporaryFolder()
        let script = temp.appending("verify.py")
        try String(doc[start.upperBound..<end.lowerBound]).write(toFile: script, atomically: true, encoding: .utf8)
        func run(_ journal: String) throws -> Int32 {
            try ChildProcess.run("/usr/bin/python3", [script, journal]).status
        }
        #expect(try run(Self.fixture.path) == 0)
        var bytes = [UInt8](try Data(contentsOf: Self.fixture))
        bytes[bytes.count / 2] ^= 0x01
        let damaged = temp.appending("damaged.jsonl")
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        #expect(try run(damaged) == 1)
    }
}
