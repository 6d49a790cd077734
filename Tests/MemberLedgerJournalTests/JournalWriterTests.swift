import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Synchronization
import Testing

/// A clock that starts at a fixed instant and ticks one millisecond per reading.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp

    init(_ start: Timestamp = Scenario.start) { current = start }

    func now() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        current = current.adding(seconds: 0).advanced(byMicroseconds: 1000)
        return current
    }

    func set(_ instant: Timestamp) {
        lock.lock()
        current = instant
        lock.unlock()
    }
}

extension Timestamp {
    func advanced(byMicroseconds micros: Int64) -> Timestamp { Timestamp(microseconds: microseconds + micros) }
}

func draft(_ contactID: String, tags: [String] = ["t"]) -> EventDraft {
    EventDraft(
        .webhookReceived(
            WebhookReceived(
                command: WebhookCommand(.updateUser, contact: ContactData(contactID: contactID, tags: tags)))))
}

@Suite("Journal writer: appends, group commit, lock")
struct JournalWriterTests {
    @Test("appended events read back identical, with a verified chain")
    func appendAndRead() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let clock = SteppingClock()
        let writer = try JournalWriter(folder: folder, clock: clock.now)
        var appended: [Event] = []
        for index in 0..<5 { appended.append(try writer.append(draft("c\(index)"))) }
        #expect(appended.map(\.seq) == [1, 2, 3, 4, 5])
        var read: [Event] = []
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            read.append(event)
            return true
        }
        #expect(read == appended)
        #expect(scan.damage == nil)
        #expect(scan.head == writer.lastRecord)
    }

    @Test("recorded time never goes back, even when the clock does")
    func monotonicTime() throws {
        let temp = TemporaryFolder()
        let clock = SteppingClock()
        let writer = try JournalWriter(folder: DataFolder(path: temp.appending("data")), clock: clock.now)
        let first = try writer.append(draft("a"))
        clock.set(first.recordedAt.adding(seconds: -3600))
        let second = try writer.append(draft("b"))
        #expect(second.recordedAt == first.recordedAt)
    }

    @Test("many concurrent appenders: every seq exactly once, gapless, fewer syncs than records")
    func groupCommit() async throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        let appenders = 32
        let perAppender = 50
        let seqs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread.detachNewThread {
                            continuation.resume(
                                with: Result {
                                    try (0..<perAppender).map { try writer.append(draft("c\(appender)-\($0)")).seq }
                                })
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seqs.sorted() == Array(1...Int64(appenders * perAppender)))
        let counters = writer.counters
        #expect(counters.records == Int64(appenders * perAppender))
        #expect(counters.syncs < counters.records)
        let scan = try JournalReader(folder: folder).verify()
        #expect(scan.damage == nil)
        #expect(scan.head.seq == Int64(appenders * perAppender))
    }

    @Test("a reader running beside the writer never sees damage or a partial record")
    func readerBesideWriter() async throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        let done = Mutex(false)
        let appending = Task.detached {
            for index in 0..<600 { _ = try? writer.append(draft("c\(index)")) }
            done.withLock { $0 = true }
        }
        var scans = 0
        var lastSeq: Int64 = 0
        while !done.withLock({ $0 }) {
            let scan = try JournalReader(folder: folder).verify()
            #expect(scan.damage == nil)
            #expect(scan.head.seq >= lastSeq)
            lastSeq = scan.head.seq
            scans += 1
        }
        await appending.value
        #expect(scans > 0)
        #expect(try JournalReader(folder: folder).verify().head.seq == 600)
    }

    @Test("a second writer is refused with the holder's pid")
    func secondWriter() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        #expect(throws: JournalError.locked(path: folder.lock, pid: ProcessInfo.processInfo.processIdentifier)) {
            try JournalWriter(folder: folder)
        }
        #expect("\(JournalError.locked(path: folder.lock, pid: 42))".contains("pid 42"))
        _ = writer
    }

    @Test("files are 0600 and folders 0700")
    func permissions() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        try writer.append(draft("a"))
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        }
        #expect(try mode(folder.path) == 0o700)
        #expect(try mode(folder.snapshots) == 0o700)
        #expect(try mode(folder.quarantine) == 0o700)
        #expect(try mode(folder.journal) == 0o600)
        #expect(try mode(folder.lock) == 0o600)
    }
}
