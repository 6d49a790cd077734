#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pipe that every blocked thread of the server polls beside its socket, so `shutdown()` can wake them
/// all with one write.
///
/// The byte written is never read, so the pipe stays readable: a thread that starts polling after the
/// signal still sees it, and no wake-up can be lost between checking a flag and polling.
struct WakeSignal: Sendable {
    /// The end to poll for readability.
    let descriptor: Int32
    private let writeEnd: Int32

    /// Creates the pipe (close-on-exec, so child processes never hold it).
    static func make() throws(HTTPServerError) -> WakeSignal {
        var ends: [Int32] = [0, 0]
        if pipe(&ends) == -1 { throw .system(operation: "pipe", errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return WakeSignal(descriptor: ends[0], writeEnd: ends[1])
    }

    /// Makes the pipe readable for good.
    func signal() {
        var byte: UInt8 = 1
        while write(writeEnd, &byte, 1) == -1 && errno == EINTR {}
    }

    /// Closes both ends, once no thread polls the pipe any more.
    func close() {
        _ = systemClose(descriptor)
        _ = systemClose(writeEnd)
    }
}

private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
