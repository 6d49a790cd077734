import CMemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for many descriptors at once: epoll on Linux (level-triggered), poll(2) elsewhere, behind one
/// interface. Each registered descriptor carries a token that comes back with its readiness, so the
/// owner finds its connection without a lookup by descriptor.
///
/// A poller belongs to one event loop's thread: only that thread registers, changes and waits.
public final class Poller {
    /// What a descriptor is watched for.
    public struct Interest: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Bytes (or a connection, or the peer's close) to read.
        public static let readable = Interest(rawValue: CML_READABLE)
        /// Room in the send buffer.
        public static let writable = Interest(rawValue: CML_WRITABLE)
    }

    /// One descriptor's readiness.
    public struct Event: Sendable {
        /// The token it was registered with.
        public var token: UInt64
        /// Readable (or closed by the peer).
        public var readable: Bool
        /// Writable.
        public var writable: Bool
        /// An error or a hang-up: the next read or write says which.
        public var failed: Bool
    }

    /// Whether several pollers may watch one listener and be woken one at a time (epoll's
    /// `EPOLLEXCLUSIVE`); without it one loop accepts for all.
    public static var sharesListeners: Bool {
        #if os(Linux)
            true
        #else
            false
        #endif
    }

    #if os(Linux)
        private let descriptor: Int32
        private var buffer: [cml_event]
    #else
        private var watched: [Int32: (token: UInt64, interest: Interest)] = [:]
    #endif

    /// A poller with room for `capacity` events per wait.
    public init(capacity: Int = 512) throws(SystemError) {
        #if os(Linux)
            descriptor = try Syscall.checked("epoll_create1", "poller") { cml_epoll_create() }
            buffer = [cml_event](repeating: cml_event(), count: capacity)
        #endif
    }

    deinit {
        #if os(Linux)
            _ = Glibc.close(descriptor)
        #endif
    }

    /// Watches `fd`; `exclusive` (a listener shared by several loops) wakes one poller per connection.
    public func add(_ fd: Int32, token: UInt64, interest: Interest, exclusive: Bool = false) throws(SystemError) {
        #if os(Linux)
            _ = try Syscall.checked("epoll_ctl(add)", "descriptor \(fd)") {
                cml_epoll_ctl(descriptor, CML_CTL_ADD, fd, interest.rawValue, token, 0, exclusive ? 1 : 0)
            }
        #else
            watched[fd] = (token, interest)
        #endif
    }

    /// Changes what `fd` is watched for.
    public func modify(_ fd: Int32, token: UInt64, interest: Interest) {
        #if os(Linux)
            _ = Syscall.run { cml_epoll_ctl(descriptor, CML_CTL_MOD, fd, interest.rawValue, token, 0, 0) }
        #else
            watched[fd] = (token, interest)
        #endif
    }

    /// Stops watching `fd` (before it is closed).
    public func remove(_ fd: Int32) {
        #if os(Linux)
            _ = Syscall.run { cml_epoll_ctl(descriptor, CML_CTL_DEL, fd, 0, 0, 0, 0) }
        #else
            watched[fd] = nil
        #endif
    }

    /// Waits up to `milliseconds` (-1: without limit) and calls `body` for each ready descriptor.
    public func wait(milliseconds: Int32, _ body: (Event) -> Void) {
        #if os(Linux)
            let capacity = Int32(buffer.count)
            let count = buffer.withUnsafeMutableBufferPointer { events in
                Syscall.run { cml_epoll_wait(descriptor, events.baseAddress, capacity, milliseconds) }
            }
            guard case .success(let ready) = count else { return }
            for index in 0..<Int(ready) {
                let event = buffer[index]
                body(
                    Event(
                        token: event.token, readable: event.events & CML_READABLE != 0,
                        writable: event.events & CML_WRITABLE != 0,
                        failed: event.events & (CML_ERROR | CML_HANGUP) != 0))
            }
        #else
            let entries = Array(watched)
            var fds = entries.map { entry in
                var events: Int16 = 0
                if entry.value.interest.contains(.readable) { events |= Int16(POLLIN) }
                if entry.value.interest.contains(.writable) { events |= Int16(POLLOUT) }
                return pollfd(fd: entry.key, events: events, revents: 0)
            }
            guard case .success(let ready) = Syscall.run({ poll(&fds, nfds_t(fds.count), milliseconds) }), ready > 0
            else { return }
            for (index, fd) in fds.enumerated() where fd.revents != 0 {
                body(
                    Event(
                        token: entries[index].value.token, readable: fd.revents & Int16(POLLIN) != 0,
                        writable: fd.revents & Int16(POLLOUT) != 0,
                        failed: fd.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0))
            }
        #endif
    }
}
