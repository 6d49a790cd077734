import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Synchronization
import Testing

/// The writer's sequencer applies each record to the kept live state in the journal's own order: the
/// state after concurrent appends, and each outcome handed back, are what replay of the journal gives.
@Suite("Sequencer: stamp, apply and chain in one order")
struct SequencerTests {
    @Test("concurrent appends leave the kept state equal to the journal's replay, outcome for outcome")
    func keptStateIsTheReplay() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        writer.keep(LedgerState())
        let outcomes = Mutex<[Int64: Outcome]>([:])
        DispatchQueue.concurrentPerform(iterations: 8) { appender in
            for index in 0..<25 {
                // Members created by genpass-like imports and updated by others: the order matters.
                let contact = "c\(index % 5)"
                let recorded =
                    index % 2 == 0
                    ? try! writer.append(
                        EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: contact)))),
                        timeout: nil)
                    : try! writer.append(draft(contact, tags: ["t\(appender)"]), timeout: nil)
                outcomes.withLock { $0[recorded.event.seq] = recorded.outcome }
            }
        }
        let kept = writer.read { $0 }
        var replayed = LedgerState()
        try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            let outcome = replayed.apply(event)
            #expect(outcomes.withLock { $0[event.seq] } == outcome, "seq \(event.seq)")
            return true
        }
        #expect(replayed.lastSeq == 200)
        #expect(kept.digest == replayed.digest)
    }

    @Test("the observer sees every record once durable, in seq order, before its appender returns, at its line")
    func observerSeesDurableRecordsInOrder() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        writer.keep(LedgerState())
        let observed = Mutex<[DurableRecord]>([])
        writer.observe { records in observed.withLock { $0 += records } }
        DispatchQueue.concurrentPerform(iterations: 4) { appender in
            for index in 0..<25 {
                let recorded = try! writer.append(draft("c\(index % 3)", tags: ["t\(appender)"]), timeout: nil)
                // Readers learn of a record no later than its appender does.
                #expect(observed.withLock { $0.contains { $0.event.seq == recorded.event.seq } })
            }
        }
        let records = observed.withLock { $0 }
        #expect(records.map(\.event.seq) == Array(1...100))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        var replayed = LedgerState()
        for record in records {
            #expect(record.outcome == replayed.apply(record.event), "seq \(record.event.seq)")
            #expect(record.head.seq == record.event.seq)
            let line = String(decoding: bytes[Int(record.offset)...].prefix(32), as: UTF8.self)
            #expect(line.hasPrefix("{\"v\":1,\"seq\":\(record.event.seq),"), "offset of seq \(record.event.seq)")
        }
        #expect(writer.lastRecord == records.last?.head)
    }
}
