import CMemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP socket descriptor, and the one place where each socket syscall loop is written.
///
/// The rules live here so nothing else calls the raw socket syscalls: EINTR is retried (through
/// `Syscall`), SIGPIPE is never raised (`MSG_NOSIGNAL` on Linux, `SO_NOSIGPIPE` on Darwin), and no call
/// ever waits: the event loops wait, in their poller, for every socket at once.
public struct Socket: Sendable, Hashable {
    /// The descriptor number.
    public let descriptor: Int32

    /// What one receive got.
    public enum Received: Sendable {
        /// This many bytes (at least one).
        case bytes(Int)
        /// Nothing yet; poll again.
        case wouldBlock
        /// The peer closed or reset the connection.
        case closed
    }

    /// What one accept got.
    public enum Accepted: Sendable {
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
    public static func listening(host: String, port: Int, backlog: Int32) throws(SocketError) -> Socket {
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
    public var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return 0 }
        return Self.describe(storage).port
    }

    /// Accepts one connection, non-blocking and close-on-exec, without waiting.
    public func accept() -> Accepted {
        var storage = sockaddr_storage()
        var length = UInt32(MemoryLayout<sockaddr_storage>.size)
        let accepted = withUnsafeMutablePointer(to: &storage) { pointer in
            Syscall.run("accept", "fd \(descriptor)") { cml_accept_nonblocking(descriptor, pointer, &length) }
        }
        let socket: Socket
        switch accepted {
        case .success(let fd): socket = Socket(descriptor: fd)
        case .failure(let code):
            switch code.rawValue {
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO, EPERM: return .nothing
            case let other: return .exhausted(errno: other)
            }
        }
        var one: Int32 = 1
        // Responses go out in one send each; Nagle would hold a pipelined second response for an ACK.
        _ = setsockopt(socket.descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let (address, port) = Self.describe(storage)
        return .connection(socket, remoteAddress: address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)")
    }

    // MARK: - Reading and writing, never waiting

    /// Receives what is there without blocking.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) -> Received {
        switch Syscall.run(
            "recv", "fd \(descriptor)", { recv(descriptor, buffer.baseAddress, buffer.count, nonBlocking) })
        {
        case .success(0): return .closed
        case .success(let count): return .bytes(count)
        case .failure(let code): return code.isWouldBlock ? .wouldBlock : .closed
        }
    }

    /// Sends what the kernel takes now: the count sent (0 when its buffer is full), or nil when the peer
    /// is gone.
    public func send(_ bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBytes { raw in
            switch Syscall.run(
                "send", "fd \(descriptor)",
                { systemSend(descriptor, raw.baseAddress, raw.count, sendFlags | nonBlocking) })
            {
            case .success(let count): return count
            case .failure(let code): return code.isWouldBlock ? 0 : nil
            }
        }
    }

    /// Closes the sending side, so the peer sees end of file after the response, while its bytes in
    /// flight can still be read and discarded.
    public func shutdownWrite() {
        _ = systemShutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes the descriptor; errors on close are not actionable.
    public func close() {
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
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, bytes, count, flags)
}
private func systemShutdown(_ fd: Int32, _ how: Int32) -> Int32 { shutdown(fd, how) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }

/// Why a listening socket could not be made. Each case names what to change.
public enum SocketError: Error, Sendable, Equatable {
    /// The host is not a numeric IPv4 or IPv6 address (names are not resolved, so a start never waits on
    /// DNS).
    case invalidHost(String)
    /// Binding failed, e.g. `EADDRINUSE` (another process has the port) or `EACCES` (a port below 1024).
    case bind(host: String, port: Int, errno: Int32)
    /// Listening failed.
    case listen(errno: Int32)
    /// Another setup call failed (`socket`, `setsockopt`); usually out of descriptors.
    case system(operation: String, errno: Int32)
}
