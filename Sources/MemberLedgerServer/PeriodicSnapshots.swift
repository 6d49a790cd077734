import Dispatch
import Foundation
import Synchronization

/// Snapshots written while the server runs, so that a restart after a crash (when no shutdown snapshot
/// was written) replays a bounded tail, not the whole journal.
///
/// A thread wakes every `checkSeconds`; once `every` events have been recorded since the last snapshot it
/// asks for one. A snapshot needs the live state to stand exactly at the durable head, which under load
/// it may not at that instant; then the next wake tries again. Writing happens off every request's path.
final class PeriodicSnapshots: Sendable {
    private let every: Int64
    private let checkSeconds: Double
    private let headSeq: @Sendable () -> Int64
    private let write: @Sendable () -> Int64?
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)

    /// `write` writes a snapshot and returns its seq, or nil when the state was not at the head.
    init(
        every: Int, checkSeconds: Double, headSeq: @escaping @Sendable () -> Int64,
        write: @escaping @Sendable () -> Int64?
    ) {
        precondition(every > 0 && checkSeconds > 0, "periodic snapshots need a positive interval")
        self.every = Int64(every)
        self.checkSeconds = checkSeconds
        self.headSeq = headSeq
        self.write = write
    }

    /// Starts the thread; `lastSnapshotSeq` is where the newest snapshot stands (0 for none).
    func start(lastSnapshotSeq: Int64) {
        Thread.detachNewThread { [self] in
            var last = lastSnapshotSeq
            while !stopping.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + checkSeconds)
                if stopping.load(ordering: .acquiring) { break }
                if headSeq() - last >= every, let seq = write() { last = seq }
            }
            finished.signal()
        }
    }

    /// Stops the thread and waits until it has (a snapshot being written is finished first).
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
    }
}
