import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery
import MemberLedgerTesting
import Synchronization
import Testing

/// The server's read side: a copy of the state and the log that the writer's durable records keep
/// current, and subscribers that get each entry once, in order, from any cursor.
@Suite("Read model: the state and log readers see, fed by durable records")
struct ReadModelTests {
    static func imported(_ contactID: String) -> EventDraft {
        EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: contactID, tags: ["new"]))))
    }

    /// A new journal in a temporary folder, its writer keeping the state, and a read model following it.
    static func following(feedMilliseconds: Int = 40) throws -> (TemporaryFolder, DataFolder, JournalWriter, ReadModel)
    {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        writer.keep(LedgerState())
        let model = ReadModel(
            folder: folder, state: LedgerState(), head: writer.lastRecord, feedMilliseconds: feedMilliseconds)
        model.follow(writer)
        return (temp, folder, writer, model)
    }

    /// The seqs a feed received.
    final class Received: Sendable {
        let seqs = Mutex<[Int64]>([])
        var all: [Int64] { seqs.withLock { $0 } }
    }

    /// A feed that takes everything, adding the seqs it gets to `received`.
    static func collect(into received: Received) -> @Sendable ([UInt8]) -> Bool {
        { bytes in
            received.seqs.withLock { $0 += seqs(bytes) }
            return true
        }
    }

    /// The seqs of the `id:` lines of server-sent events.
    static func seqs(_ bytes: [UInt8]) -> [Int64] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap {
            $0.hasPrefix("id: ") ? Int64($0.dropFirst(4)) : nil
        }
    }

    /// Appends from four threads: imports and updates of a few contacts.
    static func appendConcurrently(_ writer: JournalWriter, prefix: String, count: Int = 25) {
        DispatchQueue.concurrentPerform(iterations: 4) { appender in
            for index in 0..<count {
                let id = "\(prefix)\(index % 5)"
                _ = try! writer.append(index < 5 ? imported(id) : draft(id, tags: ["t\(appender)"]), timeout: nil)
            }
        }
    }

    @Test("under concurrent appends the model's state, outcomes and log equal the journal's replay")
    func followsTheWriter() throws {
        let (temp, folder, writer, model) = try Self.following()
        defer { withExtendedLifetime(temp) {} }
        let received = Received()
        let subscribed = model.subscribe(after: 0) { _, _ in Self.collect(into: received) }
        #expect(subscribed != nil)
        Self.appendConcurrently(writer, prefix: "c")
        model.settle()
        let replay = try LedgerReplay(folder: folder).state(useSnapshots: false)
        var outcomes: [Outcome.Status] = []
        _ = try LedgerReplay(folder: folder).state(useSnapshots: false) { outcomes.append($0.outcome.status) }
        #expect(model.read { state, _ in state.digest } == replay.state.digest)
        #expect(model.head == writer.lastRecord)
        let log = try #require(model.log { $0 })
        #expect(log.entries.map(\.seq) == Array(1...100))
        #expect(log.entries.map(\.outcome) == outcomes)
        #expect(received.all == Array(1...100), "each entry once, in order")
        _ = try LedgerReplay(folder: folder).state(useSnapshots: false) { step in
            if step.event.seq == 30 {
                _ = try? SnapshotStore(folder: folder).write(
                    step.state, at: step.position, recordOffset: step.recordOffset)
            }
        }
        // The past and the future, from the model's own state or a replay, are what replay of the file gives.
        for target in [LedgerReplay.Target.seq(40), .seq(100), .time(Timestamp(seconds: 4_000_000_000)), .end] {
            let expected = try LedgerReplay(folder: folder).state(asOf: target, useSnapshots: false).state.digest
            #expect(try model.state(at: target).state.digest == expected, "\(target)")
            #expect(try model.state(at: target).state.digest == expected, "\(target), again (a cached snapshot)")
        }
    }

    @Test("after a restart the log of earlier events is rebuilt and joined to the live one with no gap")
    func rebuildsHistory() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        do {
            let first = try JournalWriter(folder: folder)
            first.keep(LedgerState())
            Self.appendConcurrently(first, prefix: "a")
        }
        let writer = try JournalWriter(folder: folder)
        let start = try LedgerReplay(folder: folder).state()
        writer.keep(start.state)
        let model = ReadModel(folder: folder, state: start.state, head: writer.lastRecord)
        model.follow(writer)
        let received = Received()
        // Subscribed from seq 40 before the history is back: nothing is lost or sent twice meanwhile.
        _ = model.subscribe(after: 40) { _, _ in Self.collect(into: received) }
        model.rebuildHistory()
        Self.appendConcurrently(writer, prefix: "b", count: 10)
        #expect(waitUntil { model.log { $0.nextSeq } == 141 })
        model.settle()
        #expect(received.all == Array(41...140))
        let log = try #require(model.log { $0 })
        #expect(log.entries.map(\.seq) == Array(1...140))
        #expect(log.outcomes.values.reduce(0, +) == 140)
        #expect(log.page(LogFilter(contact: "b1"), before: nil, limit: 1000).entries.count == 8)
    }

    @Test("a feed resumed far back arrives in steps of catchUp entries, complete and in order")
    func catchUpInSteps() throws {
        let (temp, _, writer, model) = try Self.following()
        defer { withExtendedLifetime(temp) {} }
        let total = 2 * ReadModel.catchUp + 500
        _ = try writer.append(contentsOf: (0..<total).map { Self.imported("m\($0)") })
        model.settle()
        let steps = Mutex<[[Int64]]>([])
        _ = model.subscribe(after: 0) { _, _ in
            { bytes in
                steps.withLock { $0.append(Self.seqs(bytes)) }
                return true
            }
        }
        model.settle()
        let received = steps.withLock { $0 }
        #expect(received.flatMap { $0 } == Array(1...Int64(total)))
        #expect(received.map(\.count) == [ReadModel.catchUp, ReadModel.catchUp, 500])
    }

    @Test("a feed whose reader is behind gets the same entries again later: no gap, no repeat")
    func heldBackFeed() throws {
        let (temp, _, writer, model) = try Self.following(feedMilliseconds: 5)
        defer { withExtendedLifetime(temp) {} }
        let received = Received()
        let refusals = Mutex(3)
        _ = model.subscribe(after: 0) { _, _ in
            { bytes in
                if refusals.withLock({ left in
                    defer { left -= 1 }
                    return left > 0
                }) {
                    return false
                }
                received.seqs.withLock { $0 += Self.seqs(bytes) }
                return true
            }
        }
        _ = try writer.append(contentsOf: (0..<50).map { Self.imported("h\($0)") })
        #expect(waitUntil { received.all.count == 50 })
        #expect(received.all == Array(1...50))
    }

    @Test("no more than maxSubscribers at once; an ended subscription frees its place")
    func subscriberLimit() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let model = ReadModel(
            folder: folder, state: LedgerState(),
            head: JournalHead(seq: 0, hash: "", recordedAt: Timestamp(microseconds: 0)))
        let sink: @Sendable ([UInt8]) -> Bool = { _ in true }
        let ids = (0..<ReadModel.maxSubscribers).compactMap { _ in model.subscribe(after: nil) { _, _ in sink } }
        #expect(ids.count == ReadModel.maxSubscribers)
        #expect(model.subscribe(after: nil) { _, _ in sink } == nil)
        model.unsubscribe(ids[0])
        #expect(model.subscribe(after: nil) { _, _ in sink } != nil)
    }
}
