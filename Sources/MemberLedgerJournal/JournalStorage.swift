import MemberLedgerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The writes and syncs of appending, behind a seam so that tests can inject short writes, EIO and
/// ENOSPC on write, and failed syncs, and check that the journal stops (fail-stop) without corrupting
/// what was acknowledged.
public protocol JournalStorage: Sendable {
    /// Writes all the bytes at the end of the journal.
    func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError)
    /// Makes them durable.
    func sync(_ file: FileDescriptor) throws(SystemError)
}

/// The real thing: `write` until done, then `fdatasync` (`F_FULLFSYNC` on Darwin).
public struct SystemStorage: JournalStorage {
    /// Creates the system storage.
    public init() {}

    public func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError) {
        try file.writeAll(bytes)
    }

    public func sync(_ file: FileDescriptor) throws(SystemError) {
        try file.sync()
    }
}

/// The wall clock, read only where events are recorded (never by the reducer).
public enum SystemClock {
    /// Now, in UTC microseconds.
    @Sendable public static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(microseconds: Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000)
    }
}
