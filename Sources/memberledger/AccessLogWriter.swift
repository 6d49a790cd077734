import Dispatch
import Foundation
import Synchronization

/// Writes the access log to a descriptor from a thread of its own, so that a slow reader of stderr (a
/// terminal, a full pipe) never blocks an event loop, and a burst of requests costs one write per batch
/// instead of one per line. Lines wait in a bounded buffer; beyond it they are counted and dropped (the
/// journal, not this log, is the record of what happened), and the count is written when there is room.
final class AccessLogWriter: Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        var stopping = false
    }

    /// Bytes that may wait; about 4,000 lines.
    static let limit = 1 << 20
    /// How long lines gather before a write: the most a log line lags its request.
    static let gathering = DispatchTimeInterval.milliseconds(20)
    private let descriptor: Int32
    private let pending = Mutex(Pending())
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the writer thread for `descriptor`.
    init(descriptor: Int32) {
        self.descriptor = descriptor
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "access-log"
        thread.start()
    }

    /// Queues one line (a newline is added).
    func write(_ line: String) {
        let first = pending.withLock { pending -> Bool in
            guard pending.bytes.count + line.utf8.count < Self.limit else {
                pending.dropped += 1
                return false
            }
            let wasEmpty = pending.bytes.isEmpty
            pending.bytes.append(contentsOf: line.utf8)
            pending.bytes.append(UInt8(ascii: "\n"))
            return wasEmpty
        }
        if first { ready.signal() }
    }

    /// Writes what is queued and stops the thread (before the process exits).
    func flush() {
        let first = pending.withLock { pending -> Bool in
            defer { pending.stopping = true }
            return !pending.stopping
        }
        guard first else { return }
        ready.signal()
        finished.wait()
    }

    private func run() {
        // Two buffers change places: the one written out is the next to fill, and neither is reallocated.
        var bytes: [UInt8] = []
        while true {
            ready.wait()
            // Lines gather for a moment before the write: under load a wake-up per line would cost a
            // context switch per request; a stop is written at once.
            if !pending.withLock({ $0.stopping }) { _ = ready.wait(timeout: .now() + Self.gathering) }
            let (dropped, stopping) = pending.withLock { pending in
                swap(&bytes, &pending.bytes)
                defer { pending.dropped = 0 }
                return (pending.dropped, pending.stopping)
            }
            if dropped > 0 { emit(descriptor, "access log: \(dropped) lines dropped (stderr was not read)\n") }
            emit(descriptor, bytes)
            bytes.removeAll(keepingCapacity: true)
            if stopping { return }
        }
    }
}
