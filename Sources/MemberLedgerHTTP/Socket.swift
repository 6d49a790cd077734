#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP socket descriptor, and the one place where each socket syscall loop is written.
///
/// The rules live here so nothing else calls the raw syscalls: EINTR is retried, a short send continues
/// where it stopped, SIGPIPE is never raised (`MSG_NOSIGNAL` on Linux, `SO_NOSIGPIPE` on Darwin), and
/// every wait is a `poll` with a timeout, so no call can block longer than its caller allows.
struct Socket: Sendable, Hashable {
    /// The descriptor number.
    let descriptor: Int32

    /// What a bounded wait for input ended with.
    enum Readiness {
        /// The socket has bytes, end of file, or an error to report.
        case ready
        /// Nothing arrived in time.
        case timedOut
        /// The wake-up descriptor fired (the server is stopping).
        case woken
    }

    /// What one receive got.
    enum Received {
        /// This many bytes (at least one).
        case bytes(Int)
        /// Nothing yet; poll again.
        case wouldBlock
        /// The peer closed or reset the connection.
        case closed
    }

    /// What one accept got.
    enum Accepted {
        /// A new connection and its peer as `address:port`.
        case connection(Socket, remoteAddress: String)
        /// Nothing to accept right now, or a connection that died in the queue; poll again.
        case nothing
        /// Out of descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`) or an unexpected error;
        /// back off before trying again rather than spin.
        case exhausted(errno: Int32)
    }

    // MARK: - Listening

    /// A non-blocking listening socket on a numeric address, with `SO_REUSEADDR` so a restart can bind
    /// while old connections sit in TIME_WAIT.
    static func listening(host: String, port: Int, backlog: Int32) throws(HTTPServerError) -> Socket {
        guard let (family, storage, length) = socketAddress(host: host, port: port) else {
            throw .invalidHost(host)
        }
        let descriptor = systemSocket(family, streamType, 0)
        if descriptor == -1 { throw .system(operation: "socket", errno: errno) }
        let socket = Socket(descriptor: descriptor)
        var one: Int32 = 1
        if setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == -1 {
            let code = errno
            socket.close()
            throw .system(operation: "setsockopt(SO_REUSEADDR)", errno: code)
        }
        var address = storage
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemBind(descriptor, $0, length) }
        }
        if bound == -1 {
            let code = errno
            socket.close()
            throw .bind(host: host, port: port, errno: code)
        }
        if systemListen(descriptor, backlog) == -1 {
            let code = errno
            socket.close()
            throw .listen(errno: code)
        }
        // Non-blocking so a connection that vanishes between poll and accept cannot stall the loop.
        socket.setNonBlocking(true)
        #if canImport(Darwin)
            socket.setCloseOnExec()
        #endif
        return socket
    }

    /// The port the socket is bound to (the chosen one when it was bound to port 0).
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return 0 }
        return Self.describe(storage).port
    }

    /// Accepts one connection and prepares it for blocking use by one thread.
    func accept() -> Accepted {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let accepted = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemAccept(descriptor, $0, &length) }
        }
        if accepted == -1 {
            switch errno {
            case EINTR, EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO, EPERM: return .nothing
            case let code: return .exhausted(errno: code)
            }
        }
        let socket = Socket(descriptor: accepted)
        socket.setCloseOnExec()
        // Darwin hands the listener's O_NONBLOCK to accepted sockets; reads here block under poll.
        socket.setNonBlocking(false)
        var one: Int32 = 1
        // Responses go out in one send each; Nagle would hold a pipelined second response for an ACK.
        _ = setsockopt(accepted, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            _ = setsockopt(accepted, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let (address, port) = Self.describe(storage)
        return .connection(socket, remoteAddress: address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)")
    }

    // MARK: - Reading

    /// Waits up to `milliseconds` for input; with `wake`, also returns when that descriptor becomes
    /// readable. Input already waiting wins over a wake-up, so a request that arrived is still served.
    func waitForInput(milliseconds: Int32, wake: Int32? = nil) -> Readiness {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        if let wake { descriptors.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        let deadline = Deadline.after(seconds: Double(milliseconds) / 1000)
        while true {
            let result = poll(&descriptors, nfds_t(descriptors.count), deadline.millisecondsLeft)
            if result == -1 && errno == EINTR { continue }
            // A failed poll (ENOMEM) is treated as silence: the caller gives up on this peer, never spins.
            if result <= 0 { return .timedOut }
            if descriptors[0].revents != 0 { return .ready }
            return .woken
        }
    }

    /// Receives what is there without blocking (after `waitForInput` said so).
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Received {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .closed
            }
        }
    }

    // MARK: - Writing

    /// Sends every byte; gives up (false) when the peer is gone or accepts nothing for `milliseconds`.
    func sendAll(_ bytes: [UInt8], milliseconds: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(descriptor, raw.baseAddress! + offset, raw.count - offset, sendFlags | nonBlocking)
                if sent > 0 {
                    offset += sent
                    continue
                }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK:
                    if !waitForOutput(milliseconds: milliseconds) { return false }
                default: return false
                }
            }
            return true
        }
    }

    /// One send that never waits: for the accept thread, which must not block on any one peer. A fresh
    /// socket's send buffer holds a short response whole.
    func sendOnce(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            while send(descriptor, raw.baseAddress, raw.count, sendFlags | nonBlocking) == -1 && errno == EINTR {}
        }
    }

    private func waitForOutput(milliseconds: Int32) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
        let deadline = Deadline.after(seconds: Double(milliseconds) / 1000)
        while true {
            let result = poll(&descriptors, 1, deadline.millisecondsLeft)
            if result == -1 && errno == EINTR { continue }
            return result > 0
        }
    }

    // MARK: - Closing

    /// Closes the sending side, so the peer sees end of file after the response, while its bytes in
    /// flight can still be read and discarded.
    func shutdownWrite() {
        _ = systemShutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes after a response the peer may not have finished sending its request for: the peer's bytes
    /// still in flight are read and dropped until it closes or `until` passes. Closing over unread input
    /// would make the kernel send a reset, and a reset can destroy the response before the peer reads
    /// it. Shutdown does not cut this short, since the response it protects may be one shutdown promised
    /// to deliver.
    func closeLingering(until deadline: Deadline) {
        shutdownWrite()
        withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 1) { scratch in
            draining: while true {
                let left = deadline.millisecondsLeft
                guard left > 0, case .ready = waitForInput(milliseconds: left) else { break }
                switch receive(into: scratch) {
                case .bytes, .wouldBlock: continue draining
                case .closed: break draining
                }
            }
        }
        close()
    }

    /// Reads and drops whatever input is waiting now; false once the peer has closed.
    func discardWaitingInput() -> Bool {
        withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 1) { scratch in
            while true {
                switch receive(into: scratch) {
                case .bytes: continue
                case .wouldBlock: return true
                case .closed: return false
                }
            }
        }
    }

    /// Closes the descriptor; errors on close are not actionable.
    func close() {
        _ = systemClose(descriptor)
    }

    // MARK: - Helpers

    private func setNonBlocking(_ on: Bool) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags != -1 else { return }
        _ = fcntl(descriptor, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    private func setCloseOnExec() {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// A `sockaddr_storage` holding a concrete address's bytes.
    private static func storage<Address>(holding address: Address) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: address) { target.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        return storage
    }

    /// A `sockaddr_in` or `sockaddr_in6` for a numeric host, or nil when the host is not numeric.
    private static func socketAddress(host: String, port: Int) -> (Int32, sockaddr_storage, socklen_t)? {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            var address = sockaddr_in()
            #if canImport(Darwin)
                address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr = ipv4
            return (AF_INET, storage(holding: address), socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            var address = sockaddr_in6()
            #if canImport(Darwin)
                address.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
            #endif
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = ipv6
            return (AF_INET6, storage(holding: address), socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        return nil
    }

    /// The numeric address and port in a socket address.
    private static func describe(_ storage: sockaddr_storage) -> (address: String, port: Int) {
        var storage = storage
        var text = [CChar](repeating: 0, count: 64)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    return (Self.string(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    return (Self.string(text), Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        default:
            return ("unknown", 0)
        }
    }

    /// The text before the terminating NUL of a C string buffer.
    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
    private let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    private let sendFlags = Int32(MSG_NOSIGNAL)
#else
    private let streamType = SOCK_STREAM
    private let sendFlags: Int32 = 0
#endif
private let nonBlocking = Int32(MSG_DONTWAIT)

// The type's own method names shadow these libc functions; the aliases reach them on Linux and Darwin.
private func systemSocket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 { socket(family, type, proto) }
private func systemBind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(fd, address, length)
}
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
private func systemAccept(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: inout socklen_t) -> Int32 {
    accept(fd, address, &length)
}
private func systemShutdown(_ fd: Int32, _ how: Int32) -> Int32 { shutdown(fd, how) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
