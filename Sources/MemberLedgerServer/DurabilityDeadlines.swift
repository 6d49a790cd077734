import Dispatch
import Foundation
import Synchronization

/// Answers appends the disk has not made durable within the timeout, from one thread of its own.
///
/// Every deadline is the same distance from its append, so they arrive in order: a FIFO queue and one
/// thread sleeping until the oldest replaces a timer per request (and libdispatch's timers, whose lazy
/// epoll set-up traps when the process is out of descriptors). An append answered by the disk first
/// leaves its entry to expire as a no-op.
final class DurabilityDeadlines: Sendable {
    private struct Entry {
        var deadline: UInt64
        var expire: @Sendable () -> Void
    }

    private struct Queue {
        var entries: [Entry] = []
        var head = 0
        var stopping = false
    }

    /// The most a 503 for a slow disk comes after its deadline.
    static let granularity: UInt64 = 50_000_000
    private let timeout: UInt64
    private let queue = Mutex(Queue())
    private let added = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread; each `expire` runs `seconds` after its `add`, unless stopped first.
    init(seconds: Double) {
        timeout = UInt64(max(0, seconds) * 1e9)
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "durability-deadlines"
        thread.start()
    }

    /// Calls `expire` once the timeout has passed.
    func add(_ expire: @escaping @Sendable () -> Void) {
        let first = queue.withLock { queue -> Bool in
            queue.entries.append(Entry(deadline: DispatchTime.now().uptimeNanoseconds + timeout, expire: expire))
            return queue.entries.count - queue.head == 1
        }
        if first { added.signal() }
    }

    /// Ends the thread; deadlines not yet reached are dropped (their appends are answered by the disk).
    func stop() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        added.signal()
        finished.wait()
    }

    private func run() {
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let (due, next, stopping) = queue.withLock { queue -> ([Entry], UInt64?, Bool) in
                var due: [Entry] = []
                while queue.head < queue.entries.count, queue.entries[queue.head].deadline <= now {
                    due.append(queue.entries[queue.head])
                    queue.head += 1
                }
                if queue.head == queue.entries.count {
                    queue.entries.removeAll(keepingCapacity: queue.entries.capacity < 65_536)
                    queue.head = 0
                } else if queue.head > 4096 && queue.head * 2 > queue.entries.count {
                    queue.entries.removeSubrange(0..<queue.head)
                    queue.head = 0
                }
                let next = queue.head < queue.entries.count ? queue.entries[queue.head].deadline : nil
                return (due, next, queue.stopping)
            }
            if stopping { return }
            for entry in due { entry.expire() }
            if let next {
                // A sweep every 50 ms at most: under load a deadline expires every few microseconds, and
                // waking for each would cost a context switch per request for a 0.8 s timeout.
                let wake = max(next, DispatchTime.now().uptimeNanoseconds + Self.granularity)
                _ = added.wait(timeout: DispatchTime(uptimeNanoseconds: wake))
            } else {
                added.wait()
            }
        }
    }
}
