import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server over blocking POSIX sockets: one accept thread, one thread per connection up to
/// `maxConnections`, and the handler called synchronously on the connection's thread.
///
/// Because the handler runs on the connection's own thread, it may block (say, until a journal write is
/// durable) without holding up other connections, and responses on one connection go out in request
/// order. Over the connection cap, a connection is accepted anyway and answered `503` with
/// `Retry-After: 1` at once, never queued. Requests the server refuses itself (malformed, too large,
/// too slow) never reach the handler; each is reported through `rejected`, which runs on the accept or
/// connection thread and so must return quickly.
///
/// The statuses the server answers by itself, each followed by closing the connection:
/// - 400: a broken request line or header (bare CR or LF, obs-fold, whitespace before a colon, a control
///   byte, a method or name that is not a token, a target outside visible ASCII), a missing or repeated
///   `Host`, or broken framing (a repeated or non-numeric `Content-Length`, `Content-Length` together
///   with `Transfer-Encoding`, `chunked` not alone, malformed chunks).
/// - 408: no byte for `readTimeoutSeconds` mid-request, or the request not complete within
///   `requestDeadlineSeconds` of its first byte.
/// - 413: a body over `maxBodyBytes`. 417: an `Expect` other than `100-continue`. 431: request line and
///   headers over `maxHeaderBytes`. 501: a transfer coding other than `chunked`. 503: over
///   `maxConnections`, with `Retry-After: 1`. 505: a version other than HTTP/1.0 and HTTP/1.1.
///
/// Thread safety: the lifecycle is guarded by a `Mutex`, the connection count and the stop flag are
/// atomics, and everything else is immutable.
public final class HTTPServer: Sendable {
    /// The kernel's queue of connections not yet accepted. Large, so that a burst of connects beyond the
    /// connection cap is accepted and answered 503 at once instead of having its SYNs dropped (a dropped
    /// SYN costs the client a 1 s retransmit, then 3 s).
    static let listenBacklog: Int32 = 4096

    /// The configuration the server was created with.
    let configuration: HTTPServerConfiguration
    /// Answers each request; called on the connection's thread.
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    /// Told about every request the server answered itself.
    let rejected: @Sendable (HTTPServerRejection) -> Void

    private let lifecycle = Mutex(Lifecycle.idle)
    private let connectionCount = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Entered by the accept thread and each connection thread, left when each ends; `shutdown()` waits
    /// for it to empty.
    private let threads = DispatchGroup()

    private enum Lifecycle {
        case idle
        case running(port: Int, wake: WakeSignal)
        case stopping(port: Int)
        case stopped(port: Int)
    }

    /// Creates a server; nothing listens until `start()`.
    ///
    /// - Parameters:
    ///   - configuration: Address, connection cap, size limits and timeouts.
    ///   - handler: Answers each request, on the connection's thread. It must not call `shutdown()`,
    ///     which waits for it.
    ///   - rejected: Told about each request the server answered itself, for logs and metrics.
    public init(
        configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
        rejected: @escaping @Sendable (HTTPServerRejection) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.handler = handler
        self.rejected = rejected
    }

    /// Binds (with `SO_REUSEADDR`), listens and starts the accept thread; returns once the port accepts
    /// connections. Also sets SIGPIPE to be ignored for the process, so a peer that vanishes mid-response
    /// can never kill it.
    ///
    /// - Throws: `HTTPServerError` when the configuration is out of range, the host is not numeric, the
    ///   port cannot be bound, or the server was started (or shut down) before.
    public func start() throws(HTTPServerError) {
        if let problem = configuration.problem { throw .invalidConfiguration(problem) }
        try lifecycle.withLock { state throws(HTTPServerError) in
            guard case .idle = state else { throw .alreadyStarted }
            _ = signal(SIGPIPE, SIG_IGN)
            let listener = try Socket.listening(
                host: configuration.host, port: configuration.port, backlog: HTTPServer.listenBacklog)
            let wake: WakeSignal
            do throws(HTTPServerError) {
                wake = try WakeSignal.make()
            } catch {
                listener.close()
                throw error
            }
            state = .running(port: listener.localPort, wake: wake)
            let loop = AcceptLoop(server: self, listener: listener, wake: wake)
            threads.enter()
            let thread = Thread { [self] in
                var loop = loop
                loop.run()
                threads.leave()
            }
            thread.name = "http-accept"
            thread.start()
        }
    }

    /// The bound port: the chosen one when the configuration said 0. Before `start()`, the configured
    /// port.
    public var port: Int {
        lifecycle.withLock { state in
            switch state {
            case .idle: configuration.port
            case .running(let port, _), .stopping(let port), .stopped(let port): port
            }
        }
    }

    /// How many connections are being served now (not counting those refused with 503).
    public var openConnections: Int {
        connectionCount.load(ordering: .relaxed)
    }

    /// Stops accepting (the port is closed at once), lets requests already under way be read, handled
    /// and answered (with `Connection: close`), closes idle keep-alive connections, and returns when
    /// every thread has ended. Safe to call more than once and from several threads; must not be
    /// called from the handler, which it waits for.
    public func shutdown() {
        let wake: WakeSignal? = lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .stopped(port: configuration.port)
                return nil
            case .running(let port, let wake):
                state = .stopping(port: port)
                return wake
            case .stopping, .stopped:
                return nil
            }
        }
        stopping.store(true, ordering: .sequentiallyConsistent)
        wake?.signal()
        threads.wait()
        if let wake {
            // Only the caller that began the stop closes the pipe, after every poller has ended.
            wake.close()
            lifecycle.withLock { state in
                if case .stopping(let port) = state { state = .stopped(port: port) }
            }
        }
    }

    /// Whether `shutdown()` has begun.
    var isStopping: Bool {
        stopping.load(ordering: .sequentiallyConsistent)
    }

    /// Takes a connection slot if one is free; the accept thread is the only caller, so the check and the
    /// increment cannot race with another taker.
    func reserveConnectionSlot() -> Bool {
        guard connectionCount.load(ordering: .sequentiallyConsistent) < configuration.maxConnections else {
            return false
        }
        connectionCount.add(1, ordering: .sequentiallyConsistent)
        return true
    }

    /// Serves an accepted connection on a thread of its own; the slot is given back when it ends.
    func startConnection(_ socket: Socket, remoteAddress: String, wake: WakeSignal) {
        let connection = HTTPConnection(
            socket: socket, remoteAddress: remoteAddress, server: self, wake: wake.descriptor)
        threads.enter()
        let thread = Thread { [self] in
            connection.run()
            connectionCount.subtract(1, ordering: .sequentiallyConsistent)
            threads.leave()
        }
        thread.name = "http-connection"
        thread.start()
    }
}
