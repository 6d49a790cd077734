import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// One test vector per damage class of `Docs/journal-format.md` ("Valid lines and damage"): each file
/// in `Fixtures/journals/damage/` must get exactly the verdict the document gives it, from the reader and
/// from `memberledger verify`, so that two verifiers built from the document cannot disagree.
@Suite("Journal damage vectors")
struct DamageVectorTests {
    enum Verdict: Sendable, CustomStringConvertible {
        case intact(head: Int64, lost: ClosedRange<Int64>?)
        case torn(offset: Int64)
        case corrupt(seq: Int64, offset: Int64)

        var description: String {
            switch self {
            case .intact(let head, _): "intact at \(head)"
            case .torn(let offset): "torn at \(offset)"
            case .corrupt(let seq, let offset): "corrupt at \(seq), byte \(offset)"
            }
        }
    }

    static let folder = ScenarioFile.fixturesFolder().deletingLastPathComponent()
        .appendingPathComponent("journals/damage")

    static let vectors: [(String, Verdict)] = [
        ("torn-tail", .torn(offset: 1204)),
        ("unwritten-blocks", .torn(offset: 1649)),
        ("bad-hash-last-record", .corrupt(seq: 3, offset: 1204)),
        ("bad-hash-mid-journal", .corrupt(seq: 2, offset: 735)),
        ("broken-chain", .corrupt(seq: 2, offset: 735)),
        ("gap-in-seq", .corrupt(seq: 2, offset: 735)),
        ("time-goes-back", .corrupt(seq: 3, offset: 1204)),
        ("unknown-event-type", .corrupt(seq: 3, offset: 1204)),
        ("unknown-key", .corrupt(seq: 3, offset: 1204)),
        ("not-canonical", .corrupt(seq: 3, offset: 1204)),
        ("not-canonical-escape", .corrupt(seq: 3, offset: 1204)),
        ("empty", .corrupt(seq: 0, offset: 0)),
        ("header-damaged", .corrupt(seq: 0, offset: 0)),
        ("records-without-header", .corrupt(seq: 0, offset: 0)),
        ("second-header", .corrupt(seq: 2, offset: 735)),
        ("salvaged-lost-record", .intact(head: 3, lost: 2...2)),
    ]

    @Test("every damage class gets the document's verdict", arguments: vectors)
    func verdict(_ name: String, _ expected: Verdict) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("\(name).jsonl")))
        let scan = JournalReader.scan(bytes: bytes)
        switch (expected, scan.damage) {
        case (.intact(let head, let lost), nil):
            #expect(scan.head.seq == head)
            #expect(scan.lost.map(\.seqs) == (lost.map { [$0] } ?? []))
        case (.torn(let offset), .tornTail(let at, _)?):
            #expect(at == offset)
        case (.corrupt(let seq, let offset), .corrupt(let foundSeq, let at, _)?):
            #expect(foundSeq == seq)
            #expect(at == offset)
        default:
            Issue.record("\(name): expected \(expected), got \(scan.damage.map { "\($0)" } ?? "intact")")
        }
        // The binary says the same, with the one exit code every verb gives damage.
        let temp = TemporaryFolder("memberledger-vector")
        try FileManager.default.createDirectory(
            atPath: temp.appending("ledger-data"), withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: temp.appending("ledger-data/journal.jsonl")))
        let verify = try BuiltProduct.run("memberledger", ["verify"], in: temp.path)
        if case .intact = expected {
            #expect(verify.status == 0)
        } else {
            #expect(verify.status == 1)
            #expect(verify.output.contains("\(scan.damage!)"))
        }
    }
}
