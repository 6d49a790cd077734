import Dispatch
import Foundation
import Synchronization

/// Answers appends the disk has not made durable within the timeout, from one thread of its own.
///
/// Every deadline is the same distance from its append, so they arrive in order: a FIFO ring and one
/// thread sleeping until the oldest replaces a timer per request (and libdispatch's timers, whose lazy
/// epoll set-up traps when the process is out of descriptors). An entry is a value, not a closure, so
/// adding one allocates nothing once the ring has grown; an append answered by the disk first leaves
/// its entry to expire as a no-op.
final class DurabilityDeadlines<Pending: Sendable>: Sendable {
    private struct Entry {
        var deadline: UInt64
        var pending: Pending
    }

    /// A FIFO whose storage is reused: `head` walks forward and the array is cleared once drained, or
    /// compacted once the spent prefix is the larger half (amortised O(1) per entry).
    private struct Queue {
        var entries: [Entry] = []
        var head = 0
        var stopping = false

        mutating func take(dueBy now: UInt64, into due: inout [Pending]) {
            while head < entries.count, entries[head].deadline <= now {
                due.append(entries[head].pending)
                head += 1
            }
            if head == entries.count {
                entries.removeAll(keepingCapacity: entries.capacity <= 65_536)
                head = 0
            } else if head > 4096 && head * 2 > entries.count {
                entries.removeFirst(head)
                head = 0
            }
        }

        var next: UInt64? { head < entries.count ? entries[head].deadline : nil }
    }

    /// The most a 503 for a slow disk comes after its deadline.
    static var granularity: UInt64 { 50_000_000 }
    private let timeout: UInt64
    private let expire: @Sendable (Pending) -> Void
    private let queue = Mutex(Queue())
    private let added = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread; `expire` runs for each pending append `seconds` after its `add`, unless
    /// stopped first.
    init(seconds: Double, expire: @escaping @Sendable (Pending) -> Void) {
        timeout = UInt64(max(0, seconds) * 1e9)
        self.expire = expire
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "durability-deadlines"
        thread.start()
    }

    /// Expires `pending` once the timeout has passed.
    func add(_ pending: Pending) {
        let deadline = DispatchTime.now().uptimeNanoseconds + timeout
        let first = queue.withLock { queue -> Bool in
            queue.entries.append(Entry(deadline: deadline, pending: pending))
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
        var due: [Pending] = []
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let (next, stopping) = queue.withLock { queue -> (UInt64?, Bool) in
                queue.take(dueBy: now, into: &due)
                return (queue.next, queue.stopping)
            }
            if stopping { return }
            for pending in due { expire(pending) }
            due.removeAll(keepingCapacity: true)
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
