import CMemberLedgerSystem
import Dispatch
import Foundation
import Synchronization

/// Up to a fixed number of threads for work that must not run on an event loop (it blocks or burns CPU:
/// PBKDF2, a blocking handler), with a bounded queue: `submit` answers false at once when the queue is
/// full, so the caller refuses the request (503) instead of letting work pile up without bound.
///
/// Threads start on demand, when a job finds none idle, and stay once started: a server that never
/// hashes a password or blocks never pays for them.
public final class WorkPool: Sendable {
    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var stopping = false
        var running = 0
        /// Threads started so far.
        var started = 0
        /// Started threads waiting for a job and not yet woken for one.
        var idle = 0
        var waiting: Int { jobs.count - head }

        mutating func take() -> (@Sendable () -> Void)? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            running += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            return job
        }
    }

    /// What `submit` does beyond queueing: wake an idle thread, start one, or leave the job for the next
    /// thread that finishes.
    private enum Hand { case wake, start(Int), leave }

    /// Jobs that may wait beyond those running.
    public let queueLimit: Int
    /// The most threads.
    public let threads: Int
    private let name: String
    private let niceness: Int32
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// A pool of up to `threads` threads named `name-N`; `niceness` above 0 lowers their scheduling
    /// priority (on Linux), so CPU-bound jobs yield the cores to the event loops whenever those have work.
    public init(threads: Int, queueLimit: Int, name: String, niceness: Int32 = 0) {
        precondition(threads >= 1 && queueLimit >= 0, "a work pool needs a thread and a non-negative queue")
        self.threads = threads
        self.queueLimit = queueLimit
        self.name = name
        self.niceness = niceness
    }

    /// Threads started so far.
    public var startedThreads: Int { queue.withLock { $0.started } }
    /// Started threads waiting for a job.
    public var idleThreads: Int { queue.withLock { $0.idle } }

    /// Queues `job`; false (and nothing queued) when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let hand = queue.withLock { queue -> Hand? in
            // Idle threads take a job at once; beyond them, at most `queueLimit` wait.
            guard !queue.stopping, queue.waiting < queueLimit + threads - queue.running else { return nil }
            queue.jobs.append(job)
            if queue.idle > 0 {
                queue.idle -= 1
                return .wake
            }
            guard queue.started < threads else { return .leave }
            queue.started += 1
            return .start(queue.started - 1)
        }
        switch hand {
        case nil: return false
        case .wake: available.signal()
        case .start(let index): startThread(index)
        case .leave: break
        }
        return true
    }

    /// Runs what is queued, then ends the threads; returns when they have ended.
    public func stop() {
        let idle = queue.withLock { queue -> Int? in
            guard !queue.stopping else { return nil }
            queue.stopping = true
            defer { queue.idle = 0 }
            return queue.idle
        }
        guard let idle else { return }
        for _ in 0..<idle { available.signal() }
        finished.wait()
    }

    private func startThread(_ index: Int) {
        finished.enter()
        let thread = Thread { [self] in
            ThreadPriority.lower(by: niceness)
            run()
            finished.leave()
        }
        thread.name = "\(name)-\(index)"
        thread.start()
    }

    /// Takes jobs until the queue is empty, then waits as an idle thread; ends once stopping and empty.
    private func run() {
        while true {
            let next = queue.withLock { queue -> (job: (@Sendable () -> Void)?, stop: Bool) in
                if let job = queue.take() { return (job, false) }
                if queue.stopping { return (nil, true) }
                queue.idle += 1
                return (nil, false)
            }
            if let job = next.job {
                job()
                queue.withLock { $0.running -= 1 }
                continue
            }
            if next.stop { return }
            // Woken by a submit (which counted this thread busy again) or by stop; either way, look again.
            available.wait()
        }
    }
}
