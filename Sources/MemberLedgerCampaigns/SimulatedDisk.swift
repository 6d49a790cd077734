import MemberLedgerJournal
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Journal storage that behaves like a disk with a page cache and one planned fault: bytes count as
/// durable only once a sync returned; the fault (a short write then EIO, EIO on write, EIO on sync,
/// ENOSPC, or a power loss at a sync) strikes at the planned write; `powerLoss` then throws away what the
/// page cache held, keeping a random part of the unsynced bytes, sometimes as zeros.
///
/// Syncs do not reach the real disk: durability is simulated by `crash`, which is what makes thousands of
/// seeded runs take seconds.
public final class SimulatedDisk: JournalStorage, Sendable {
    /// The fault a run injects.
    public enum Fault: String, Sendable, CaseIterable {
        /// Half the bytes are written, then EIO.
        case shortWriteThenEIO = "short write + EIO"
        /// Nothing is written: EIO.
        case writeEIO = "EIO on write"
        /// The bytes are written but the sync fails with EIO.
        case syncEIO = "EIO on fdatasync"
        /// Nothing is written: ENOSPC.
        case noSpace = "ENOSPC"
        /// The machine loses power during the sync: it never returns.
        case powerLoss = "power loss (lost unsynced writes)"
    }

    private struct Counters {
        var writes = 0
        var durableLength: Int64?
        var struck = false
    }

    /// The fault.
    public let fault: Fault
    /// The write (1-based) it strikes at.
    public let faultAtWrite: Int
    private let counters = Mutex(Counters())

    /// A disk that injects `fault` at write number `faultAtWrite`.
    public init(fault: Fault, atWrite faultAtWrite: Int) {
        self.fault = fault
        self.faultAtWrite = faultAtWrite
    }

    /// Whether the fault has struck.
    public var struck: Bool { counters.withLock { $0.struck } }

    /// Writes the bytes, unless the fault strikes this write.
    public func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError) {
        let (striking, firstWrite) = counters.withLock { counters in
            counters.writes += 1
            let striking = counters.writes == faultAtWrite
            if striking { counters.struck = true }
            return (striking, counters.durableLength == nil)
        }
        // What was on disk before the first append (the header) had been synced by the writer itself.
        if firstWrite {
            let length = try file.size()
            counters.withLock { if $0.durableLength == nil { $0.durableLength = length } }
        }
        guard striking else { return try file.writeAll(bytes) }
        switch fault {
        case .shortWriteThenEIO:
            try file.writeAll(Array(bytes.prefix(bytes.count / 2)))
            throw SystemError(operation: "write", subject: file.path, code: EIO)
        case .writeEIO: throw SystemError(operation: "write", subject: file.path, code: EIO)
        case .noSpace: throw SystemError(operation: "write", subject: file.path, code: ENOSPC)
        case .syncEIO, .powerLoss: try file.writeAll(bytes)
        }
    }

    /// Marks everything written as durable (nothing reaches the real disk), unless the fault strikes here.
    public func sync(_ file: FileDescriptor) throws(SystemError) {
        let failing = counters.withLock { $0.struck && ($0.writes == faultAtWrite) }
        if failing && (fault == .syncEIO || fault == .powerLoss) {
            throw SystemError(operation: "fdatasync", subject: file.path, code: EIO)
        }
        let length = try file.size()
        counters.withLock { $0.durableLength = length }
    }

    /// The crash after the run: the file keeps its durable bytes plus a random part of the rest (as
    /// written, or zeroed as a lost page reads back). Returns how many unsynced bytes were dropped.
    @discardableResult
    public func crash(journal path: String, random: inout some RandomNumberGenerator) throws(SystemError) -> Int64 {
        let file = try FileDescriptor.open(path, O_RDWR)
        defer { file.close() }
        let length = try file.size()
        let durable = counters.withLock { $0.durableLength } ?? length
        precondition(durable <= length, "the file never shrinks below what was synced")
        let unsynced = length - durable
        guard unsynced > 0 else { return 0 }
        let kept = Int64.random(in: 0...unsynced, using: &random)
        try file.truncate(to: durable + kept)
        if kept > 0 && Int.random(in: 0..<3, using: &random) == 0 {
            // A page that never reached the disk reads back as zeros.
            try file.write([UInt8](repeating: 0, count: Int(kept)), at: durable)
        }
        try file.sync()
        return unsynced - kept
    }
}
