import CMemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wakes an event loop from another thread: an eventfd on Linux, a pipe elsewhere. Any number of
/// signals before the loop drains it wake it once; a signal after the drain wakes it again, so none
/// is lost between the loop's last check and its next wait.
public final class Wakeup: Sendable {
    /// The descriptor to watch for readability.
    public let descriptor: Int32
    private let writeEnd: Int32

    /// Creates the eventfd (or pipe), non-blocking and close-on-exec.
    public init() throws(SystemError) {
        #if os(Linux)
            descriptor = try Syscall.checked("eventfd", "wakeup") { cml_eventfd() }
            writeEnd = descriptor
        #else
            var ends: [Int32] = [0, 0]
            _ = try Syscall.checked("pipe", "wakeup") { pipe(&ends) }
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            descriptor = ends[0]
            writeEnd = ends[1]
        #endif
    }

    deinit {
        _ = systemClose(descriptor)
        if writeEnd != descriptor { _ = systemClose(writeEnd) }
    }

    /// Makes the descriptor readable (from any thread).
    public func signal() {
        var one: UInt64 = 1
        // A full counter or pipe already means "wake up": EAGAIN loses nothing.
        _ = Syscall.run { write(writeEnd, &one, writeEnd == descriptor ? 8 : 1) }
    }

    /// Takes every signal so far (on the loop's thread).
    public func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        while case .success(let count) = Syscall.run({ read(descriptor, &sink, sink.count) }), count > 0,
            writeEnd != descriptor
        {}
    }
}

private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
