import Dispatch
import Foundation
import MemberLedgerSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server on event loops: one non-blocking listening socket shared by `eventLoops` threads
/// (epoll with `EPOLLEXCLUSIVE` on Linux, so each connection wakes one loop), each serving its
/// connections without a thread per connection or per request.
///
/// The handler is called on the loop's thread and must not block it: it answers through its
/// `HTTPResponder`, now or later, from any thread (the webhook server answers once the journal's group
/// commit made the request durable). A handler that must block is given to `init(configuration:handler:
/// rejected:)`, which runs it on a bounded `WorkPool` and answers 503 when the pool is full.
///
/// Over `maxConnections` a connection is accepted anyway and answered `503` with `Retry-After: 1` at
/// once, never queued. Requests the server refuses itself never reach the handler; each is reported
/// through `rejected`, which runs on a loop thread and so must return quickly:
/// - 400: a broken request line or header (bare CR or LF, obs-fold, whitespace before a colon, a control
///   byte, a method or name that is not a token, a target outside visible ASCII), a missing or repeated
///   `Host`, or broken framing (a repeated or non-numeric `Content-Length`, `Content-Length` together
///   with `Transfer-Encoding`, `chunked` not alone, malformed chunks).
/// - 408: no byte for `readTimeoutSeconds` mid-request, or the request not complete within
///   `requestDeadlineSeconds` of its first byte.
/// - 413: a body over `maxBodyBytes`. 417: an `Expect` other than `100-continue`. 431: request line and
///   headers over `maxHeaderBytes`. 501: a transfer coding other than `chunked`. 503: over
///   `maxConnections`, with `Retry-After: 1`. 505: a version other than HTTP/1.0 and HTTP/1.1.
public final class HTTPServer: Sendable {
    /// The kernel's queue of connections not yet accepted. Large, so that a burst of connects is
    /// accepted (or answered 503) at once instead of having its SYNs dropped (a dropped SYN costs the
    /// client a 1 s retransmit, then 3 s).
    static let listenBacklog: Int32 = 4096
    /// What a connection over the cap hears before it is closed.
    static let overloadedAnswer = ResponseEncoder.rejection(
        status: 503, reason: "too many connections; retry shortly", extraHeaders: [("Retry-After", "1")])

    /// The configuration the server was created with.
    let configuration: HTTPServerConfiguration
    /// Answers each request; called on a loop's thread, must not block it.
    let handler: @Sendable (HTTPRequest, HTTPResponder) -> Void
    /// Told about every request the server answered itself.
    let rejected: @Sendable (HTTPServerRejection) -> Void
    /// Runs blocking handlers off the loops; nil for a handler that answers through its responder.
    private let pool: WorkPool?
    private let lifecycle = Mutex(Lifecycle.idle)
    private let connectionCount = Atomic<Int>(0)
    /// The loops, for spreading accepted connections over them in turn.
    private let servingLoops = Mutex<[EventLoop]>([])
    private let nextLoop = Atomic<Int>(0)
    private let loopsRunning = DispatchGroup()
    private let listenersHeld = DispatchGroup()

    private enum Lifecycle {
        case idle
        case running(port: Int, listener: Socket, loops: [EventLoop])
        case stopping(port: Int)
        case stopped(port: Int)
    }

    /// Creates a server whose handler answers through its responder and never blocks; nothing listens
    /// until `start()`.
    public init(
        configuration: HTTPServerConfiguration,
        respond handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void,
        rejected: @escaping @Sendable (HTTPServerRejection) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.handler = handler
        self.rejected = rejected
        pool = nil
    }

    /// Creates a server whose handler returns its answer and may block: it runs on a pool of
    /// `blockingThreads` threads, and a request finding the pool and its queue full is answered 503.
    public init(
        configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
        rejected: @escaping @Sendable (HTTPServerRejection) -> Void = { _ in }
    ) {
        let pool = WorkPool(
            threads: max(1, configuration.blockingThreads), queueLimit: configuration.blockingThreads * 4,
            name: "http-handler")
        self.configuration = configuration
        self.rejected = rejected
        self.pool = pool
        self.handler = { request, responder in
            let queued = pool.submit { responder.respond(handler(request)) }
            if !queued {
                responder.respond(
                    HTTPResponse(
                        status: 503, headers: [("Retry-After", "1"), ("Content-Type", "text/plain; charset=utf-8")],
                        body: Array("the server is busy; retry shortly\n".utf8)))
            }
        }
    }

    /// Binds (with `SO_REUSEADDR`), listens and starts the loops; returns once the port accepts
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
            let listener: Socket
            do throws(SocketError) {
                listener = try Socket.listening(
                    host: configuration.host, port: configuration.port, backlog: HTTPServer.listenBacklog)
            } catch {
                throw HTTPServerError(error)
            }
            var loops: [EventLoop] = []
            // Off Linux, poll(2) has no exclusive wake-up: one loop accepts for all.
            let accepting = Poller.sharesListeners ? configuration.eventLoops : 1
            do throws(SystemError) {
                for index in 0..<configuration.eventLoops {
                    loops.append(
                        try EventLoop(index: index, server: self, listener: index < accepting ? listener : nil))
                }
            } catch {
                listener.close()
                throw .system(operation: error.operation, errno: error.code)
            }
            for _ in 0..<accepting { listenersHeld.enter() }
            servingLoops.withLock { $0 = loops }
            state = .running(port: listener.localPort, listener: listener, loops: loops)
            for loop in loops {
                loopsRunning.enter()
                let thread = Thread { [self] in
                    loop.run()
                    loopsRunning.leave()
                }
                thread.name = "http-loop-\(loop.index)"
                thread.start()
            }
        }
    }

    /// The bound port: the chosen one when the configuration said 0. Before `start()`, the configured
    /// port.
    public var port: Int {
        lifecycle.withLock { state in
            switch state {
            case .idle: configuration.port
            case .running(let port, _, _), .stopping(let port), .stopped(let port): port
            }
        }
    }

    /// How many connections are being served now (not counting those refused with 503).
    public var openConnections: Int {
        connectionCount.load(ordering: .relaxed)
    }

    /// Stops accepting (the port is closed at once), lets requests already under way be read, handled
    /// and answered (with `Connection: close`), closes idle keep-alive connections, and returns when
    /// every loop has ended. Safe to call more than once and from several threads; must not be called
    /// from the handler, which it waits for.
    public func shutdown() {
        let running: (Socket, [EventLoop])? = lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .stopped(port: configuration.port)
                return nil
            case .running(let port, let listener, let loops):
                state = .stopping(port: port)
                return (listener, loops)
            case .stopping, .stopped:
                return nil
            }
        }
        guard let (listener, loops) = running else {
            loopsRunning.wait()
            return
        }
        for loop in loops { loop.post(.stop) }
        // Closed only once no loop can be inside accept() on it.
        listenersHeld.wait()
        listener.close()
        loopsRunning.wait()
        for loop in loops { loop.closeOrphans() }
        pool?.stop()
        lifecycle.withLock { state in
            if case .stopping(let port) = state { state = .stopped(port: port) }
        }
    }

    // MARK: - For the loops

    /// Hands a request to the handler.
    func dispatch(_ request: HTTPRequest, responder: HTTPResponder) {
        handler(request, responder)
    }

    /// The loop that serves the next accepted connection: each in turn. A connection refused at once
    /// (`counted` false) stays where it was accepted.
    func loop(after counted: Bool) -> EventLoop? {
        guard counted else { return nil }
        return servingLoops.withLock { loops in
            loops.isEmpty ? nil : loops[nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
        }
    }

    /// Takes a connection slot if one is free.
    func reserveConnectionSlot() -> Bool {
        let taken = connectionCount.wrappingAdd(1, ordering: .relaxed).newValue
        guard taken <= configuration.maxConnections else {
            connectionCount.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives a slot back when its connection closes.
    func releaseConnectionSlot() {
        connectionCount.wrappingSubtract(1, ordering: .relaxed)
    }

    /// A loop has stopped watching the listener.
    func listenerReleased() {
        listenersHeld.leave()
    }
}
