import Dispatch
import Foundation
import MemberLedgerCore
import Synchronization

/// Decoding a journal on a thread of its own while the caller applies what is already decoded.
///
/// Replay spends about half its time reading, checking and decoding lines and half applying events, so
/// on two cores the two halves overlap (`Docs/performance.md`). The reading thread works a bounded
/// number of batches ahead, which bounds memory, and stops at the first word from the caller; the caller
/// sees the events, the errors and the final scan in exactly the order a single thread would produce.
final class ReadAhead: Sendable {
    /// One decoded event, or records salvaged away (a lost-records line), with where its line starts and
    /// the position after it.
    struct Item: Sendable {
        enum Entry: Sendable {
            case event(Event)
            case lost(ClosedRange<Int64>)
        }

        let entry: Entry
        let recordOffset: Int64
        let after: JournalReader.Position
    }

    /// What the reading thread hands over.
    enum Message: Sendable {
        /// The next events, in order.
        case events([Item])
        /// The end: the scan of everything read.
        case finished(JournalScan)
        /// Reading or decoding failed after the events already sent.
        case failed(any Error)
    }

    private static let batchSize = 256
    private static let batchesAhead = 8

    private let messages = Mutex<[Message]>([])
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: ReadAhead.batchesAhead)
    private let cancelled = Atomic<Bool>(false)

    /// Starts the reading thread over `file` from `position` (or the first byte).
    init(file: FileDescriptor, verify: Bool, after position: JournalReader.Position?) {
        let thread = Thread { [self] in
            read(file: file, verify: verify, after: position)
        }
        thread.name = "journal-read-ahead"
        thread.start()
    }

    /// The next message, waiting for it.
    func receive() -> Message {
        filled.wait()
        let message = messages.withLock { $0.removeFirst() }
        free.signal()
        return message
    }

    /// Tells the reading thread to stop and waits until it has (it then no longer touches the file).
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        while true {
            switch receive() {
            case .events: continue
            case .finished, .failed: return
            }
        }
    }

    private func send(_ message: Message) {
        free.wait()
        messages.withLock { $0.append(message) }
        filled.signal()
    }

    private func read(file: FileDescriptor, verify: Bool, after position: JournalReader.Position?) {
        // Replay needs each event checked and decoded; the canonical bytes are verify's and the scrub's.
        var scanner = JournalScanner(verify: verify, canonical: false)
        if let position { scanner.resume(journalID: position.journalID, after: position.head, offset: position.offset) }
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        do {
            try LineReader(file: file).forEachLine(from: position?.offset ?? 0) { line, lineOffset, complete in
                if cancelled.load(ordering: .relaxed) { return false }
                guard let parsed = scanner.consume(line, at: lineOffset, complete: complete) else {
                    return scanner.wantsMore
                }
                let entry: Item.Entry
                switch parsed.kind {
                case .header: return true
                case .record: entry = .event(try parsed.event ?? JournalLine.event(of: line))
                case .lost(let seqs, _, _, _, _): entry = .lost(seqs)
                }
                guard scanner.isClean else { return true }
                let after = JournalReader.Position(
                    journalID: scanner.journalID!, head: scanner.head, offset: scanner.goodLength)
                batch.append(Item(entry: entry, recordOffset: lineOffset, after: after))
                if batch.count == Self.batchSize {
                    send(.events(batch))
                    batch.removeAll(keepingCapacity: true)
                }
                return true
            }
            if !batch.isEmpty { send(.events(batch)) }
            send(.finished(scanner.finish()))
        } catch {
            if !batch.isEmpty { send(.events(batch)) }
            send(.failed(error))
        }
    }
}
