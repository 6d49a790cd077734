import CMemberLedgerSystem
import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads for work that must not run on an event loop (it blocks or burns CPU: PBKDF2,
/// a blocking handler), with a bounded queue: `submit` answers false at once when the queue is full, so
/// the caller refuses the request (503) instead of letting work pile up without bound.
public final class WorkPool: Sendable {
    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var stopping = false
        var running = 0
        var waiting: Int { jobs.count - head }
    }

    /// Jobs that may wait beyond those running.
    public let queueLimit: Int
    /// The threads.
    public let threads: Int
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// Starts `threads` threads named `name-N`; `niceness` above 0 lowers their scheduling priority (on
    /// Linux), so CPU-bound jobs yield the cores to the event loops whenever those have work.
    public init(threads: Int, queueLimit: Int, name: String, niceness: Int32 = 0) {
        precondition(threads >= 1 && queueLimit >= 0, "a work pool needs a thread and a non-negative queue")
        self.threads = threads
        self.queueLimit = queueLimit
        for index in 0..<threads {
            finished.enter()
            let thread = Thread { [self] in
                if niceness > 0 { _ = cml_lower_thread_priority(niceness) }
                run()
                finished.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; false (and nothing queued) when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            // Idle threads take a job at once; beyond them, at most `queueLimit` wait.
            guard !queue.stopping, queue.waiting < queueLimit + threads - queue.running else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Runs what is queued, then ends the threads; returns when they have ended.
    public func stop() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        for _ in 0..<threads { available.signal() }
        finished.wait()
    }

    private func run() {
        while true {
            available.wait()
            let job = queue.withLock { queue -> (@Sendable () -> Void)? in
                guard queue.head < queue.jobs.count else { return nil }
                let job = queue.jobs[queue.head]
                queue.head += 1
                queue.running += 1
                if queue.head == queue.jobs.count {
                    queue.jobs.removeAll(keepingCapacity: true)
                    queue.head = 0
                }
                return job
            }
            if let job {
                job()
                queue.withLock { $0.running -= 1 }
                continue
            }
            if queue.withLock({ $0.stopping }) { return }
        }
    }
}
