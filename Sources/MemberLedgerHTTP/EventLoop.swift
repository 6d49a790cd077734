import Foundation
import MemberLedgerSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thread that serves many connections: it waits for all of their sockets at once in a `Poller`,
/// reads what arrived, lets each connection's `ConnectionMachine` decide, hands requests to the handler,
/// and sends what the machines queued. No thread waits per connection or per request: an idle
/// keep-alive connection costs a poller entry and a few hundred bytes, a slow sender a timer check, and
/// an answer that comes later (once the journal is durable) arrives through the loop's mailbox, which
/// other threads fill and wake with an eventfd.
final class EventLoop: @unchecked Sendable {
    /// A message from another thread; taken on the loop's thread.
    enum Mail {
        /// The answer to request `id` of the connection with `token`.
        case answer(token: UInt64, id: UInt64, HTTPResponse)
        /// The head of a streamed answer to request `id`; `onClose` runs when the connection ends.
        case stream(token: UInt64, id: UInt64, HTTPResponse, backlog: StreamBacklog, onClose: @Sendable () -> Void)
        /// More of a streamed answer.
        case streamed(token: UInt64, id: UInt64, [UInt8])
        /// The end of a streamed answer.
        case endStream(token: UInt64, id: UInt64)
        /// A connection another loop accepted, for this one to serve (`counted`: it holds a slot).
        case adopt(Socket, remoteAddress: String, counted: Bool)
        /// Work to run on the loop's thread.
        case run(@Sendable () -> Void)
        /// The server is stopping.
        case stop
    }

    /// A connection the loop serves.
    private final class Connection {
        let socket: Socket
        let token: UInt64
        /// Whether it holds one of the server's connection slots (a refused one does not).
        let counted: Bool
        /// The peer's address without its port, while no request of it has been read whole.
        var unproven: String?
        /// When it was accepted (monotonic nanoseconds).
        let acceptedAt: UInt64
        var machine: ConnectionMachine
        var interest: ConnectionMachine.Interest
        /// Runs when the connection closes (a streamed answer's sender stops sending).
        var onClose: (@Sendable () -> Void)?
        /// A streamed answer's count of bytes not yet written.
        var streamBacklog: StreamBacklog?

        init(socket: Socket, token: UInt64, counted: Bool, machine: ConnectionMachine) {
            self.socket = socket
            self.token = token
            self.counted = counted
            acceptedAt = DispatchTime.now().uptimeNanoseconds
            self.machine = machine
            interest = machine.interest
        }
    }

    private static let listenerToken: UInt64 = 0
    private static let wakeupToken: UInt64 = 1
    /// How often deadlines are checked: the granularity of every timeout.
    private static let tickNanoseconds: UInt64 = 250_000_000

    let index: Int
    private unowned(unsafe) let server: HTTPServer
    private let poller: Poller
    private let wakeup: Wakeup
    private let mailbox = Mutex<[Mail]>([])
    /// The mail being taken: swapped with the mailbox, so that neither array is reallocated.
    private var mail: [Mail] = []
    /// Whether the loop's thread is running a `.run` mail (only ever true on that thread).
    private var runningMail = false
    #if os(Linux)
        /// The loop's thread (`pthread_t` is an integer on Linux), so a post from it needs no wake-up.
        private let thread = Atomic<UInt>(0)
    #endif
    private let limits: ConnectionMachine.Limits
    // Touched only on the loop's thread.
    private var connections: [UInt64: Connection] = [:]
    private var nextToken: UInt64 = 2
    private var listener: Socket?
    private var stopping = false
    private var lastTick: UInt64 = 0
    private var acceptPausedAt: UInt64?
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    /// Per peer address, this loop's connections that have not yet sent a whole request, oldest first.
    private var unprovenByAddress: [String: [UInt64]] = [:]
    /// This loop's share of `maxUnprovenPerAddress`.
    private let unprovenLimit: Int
    /// `slowSenderGraceSeconds` in nanoseconds.
    private let slowSenderGrace: UInt64

    /// A loop for `server`, watching `listener` for new connections.
    init(index: Int, server: HTTPServer, listener: Socket?) throws(SystemError) {
        self.index = index
        self.server = server
        self.listener = listener
        limits = ConnectionMachine.Limits(server.configuration)
        unprovenLimit = max(1, server.configuration.maxUnprovenPerAddress / server.configuration.eventLoops)
        slowSenderGrace = UInt64(server.configuration.slowSenderGraceSeconds * 1e9)
        poller = try Poller()
        wakeup = try Wakeup()
        try poller.add(wakeup.descriptor, token: Self.wakeupToken, interest: .readable)
        if let listener {
            try poller.add(listener.descriptor, token: Self.listenerToken, interest: .readable, exclusive: true)
        }
    }

    /// Posts `mail` from any thread; the loop takes it before it next waits.
    func post(_ mail: Mail) {
        let wasEmpty = mailbox.withLock { box in
            box.append(mail)
            return box.count == 1
        }
        // A non-empty mailbox has a wake-up pending already, or the loop is about to drain it.
        if wasEmpty && !isCurrentThread { wakeup.signal() }
    }

    /// Whether the caller is the loop's thread. Off Linux it answers false: a post then always signals,
    /// which costs a wake-up, never a lost message.
    private var isCurrentThread: Bool {
        #if os(Linux)
            thread.load(ordering: .relaxed) == pthread_self()
        #else
            false
        #endif
    }

    /// Serves until stopped and every connection has closed.
    func run() {
        #if os(Linux)
            thread.store(pthread_self(), ordering: .relaxed)
        #endif
        lastTick = Self.now
        while !(stopping && connections.isEmpty) {
            poller.wait(milliseconds: 250) { event in
                switch event.token {
                case Self.listenerToken: acceptConnections()
                case Self.wakeupToken: wakeup.drain()
                default: serve(event)
                }
            }
            takeMail()
            let now = Self.now
            if now &- lastTick >= Self.tickNanoseconds {
                lastTick = now
                if acceptPausedAt != nil, let listener {
                    acceptPausedAt = nil
                    poller.modify(listener.descriptor, token: Self.listenerToken, interest: .readable)
                }
                for connection in Array(connections.values) {
                    perform(connection.machine.tick(now: now), on: connection)
                }
            }
        }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard let listener else { return }
        // A bounded batch, so one loop's burst of connects cannot starve the connections it serves.
        for _ in 0..<64 {
            switch listener.accept() {
            case .nothing: return
            case .exhausted:
                // Out of descriptors or memory: stop watching the listener for a tick (level-triggered, it
                // would wake the loop at once), keep serving; the kernel's backlog holds new connections.
                poller.modify(listener.descriptor, token: Self.listenerToken, interest: [])
                acceptPausedAt = Self.now
                return
            case .connection(let socket, let remoteAddress):
                let counted = server.reserveConnectionSlot()
                if !counted {
                    server.rejected(
                        HTTPServerRejection(
                            status: 503, reason: "over \(server.configuration.maxConnections) connections",
                            remoteAddress: remoteAddress))
                }
                // Connections are spread over the loops in turn: the loop that wakes for a burst of
                // connects (EPOLLEXCLUSIVE wakes one) would otherwise serve them all on one core.
                if let target = server.loop(after: counted), target !== self {
                    target.post(.adopt(socket, remoteAddress: remoteAddress, counted: counted))
                } else {
                    adopt(socket, remoteAddress: remoteAddress, counted: counted)
                }
            }
        }
    }

    /// Serves a new connection; one over the cap (`counted` false) is answered 503 at once.
    private func adopt(_ socket: Socket, remoteAddress: String, counted: Bool) {
        let token = nextToken
        nextToken += 1
        let connection = Connection(
            socket: socket, token: token, counted: counted,
            machine: ConnectionMachine(limits: limits, remoteAddress: remoteAddress, now: Self.now))
        do throws(SystemError) {
            try poller.add(socket.descriptor, token: token, interest: .readable)
        } catch {
            socket.close()
            if counted { server.releaseConnectionSlot() }
            return
        }
        connection.interest = ConnectionMachine.Interest(read: true, write: false)
        connections[token] = connection
        if counted { admitUnproven(connection) }
        if !counted {
            perform(connection.machine.refuseAtOnce(HTTPServer.overloadedAnswer, now: Self.now), on: connection)
        } else if stopping {
            perform(connection.machine.stop(now: Self.now), on: connection)
        }
    }

    // MARK: - Slow senders

    /// Counts a new connection against its address's connections that have sent no whole request yet;
    /// over the limit, the oldest of them is closed to make room if it has had a second to send one.
    /// Slow senders (a header line a second, reconnecting when closed) from one address can then hold
    /// only a bounded share of the server, a real webhook from anywhere, which sends its request at once,
    /// is never refused for want of room, and a burst of fresh connections from one address (a proxy,
    /// a load test) is never cut.
    private func admitUnproven(_ connection: Connection) {
        let address = HTTPRequest.host(of: connection.machine.remoteAddress)
        connection.unproven = address
        unprovenByAddress[address, default: []].append(connection.token)
        guard let waiting = unprovenByAddress[address], waiting.count > unprovenLimit,
            let oldest = connections[waiting[0]],
            connection.acceptedAt &- oldest.acceptedAt >= slowSenderGrace
        else { return }
        server.rejected(
            HTTPServerRejection(
                status: 408,
                reason: "closed: over \(server.configuration.maxUnprovenPerAddress) connections from "
                    + "one address with no whole request", remoteAddress: oldest.machine.remoteAddress))
        close(oldest)
    }

    /// The connection sent a whole request (or closed): it no longer counts as a slow sender.
    private func prove(_ connection: Connection) {
        guard let address = connection.unproven else { return }
        connection.unproven = nil
        unprovenByAddress[address]?.removeAll { $0 == connection.token }
        if unprovenByAddress[address]?.isEmpty == true { unprovenByAddress[address] = nil }
    }

    // MARK: - Serving

    private func serve(_ event: Poller.Event) {
        guard let connection = connections[event.token] else { return }
        if (event.readable || event.failed) && !connection.machine.interest.read {
            // Input while the machine holds reading back (an answer is owed): stop listening until it
            // wants more; a failed socket cannot take the answer, so it closes.
            if event.failed { return perform(connection.machine.sendFailed(), on: connection) }
            return updateInterest(connection, mute: true)
        }
        if event.readable || event.failed {
            let received = scratch.withUnsafeMutableBytes { connection.socket.receive(into: $0) }
            switch received {
            case .bytes(let count):
                scratch.withUnsafeBytes {
                    connection.machine.received.append(UnsafeRawBufferPointer(rebasing: $0[..<count]))
                }
                perform(connection.machine.bytesReceived(now: Self.now), on: connection)
            case .wouldBlock:
                break
            case .closed:
                perform(connection.machine.peerClosedInput(), on: connection)
            }
        }
        if event.writable, connections[event.token] != nil { perform([], on: connection) }
    }

    private func takeMail() {
        while true {
            mailbox.withLock { box in swap(&box, &mail) }
            if mail.isEmpty { return }
            for item in mail {
                switch item {
                case .answer(let token, let id, let response):
                    answer(token: token, id: id, response)
                case .stream(let token, let id, let head, let backlog, let onClose):
                    guard let connection = connections[token] else {
                        onClose()
                        continue
                    }
                    connection.onClose = onClose
                    connection.streamBacklog = backlog
                    perform(connection.machine.answered(id: id, head, now: Self.now), on: connection)
                case .streamed(let token, let id, let bytes):
                    guard let connection = connections[token] else { continue }
                    perform(connection.machine.streamed(id: id, bytes, now: Self.now), on: connection)
                case .endStream(let token, let id):
                    guard let connection = connections[token] else { continue }
                    perform(connection.machine.endStream(id: id), on: connection)
                case .adopt(let socket, let remoteAddress, let counted):
                    adopt(socket, remoteAddress: remoteAddress, counted: counted)
                case .run(let work):
                    runningMail = true
                    work()
                    runningMail = false
                case .stop:
                    beginStop()
                }
            }
            mail.removeAll(keepingCapacity: true)
        }
    }

    /// Closes connections handed to this loop after it ended (a connect accepted by another loop in the
    /// instant of shutdown): called once every loop has ended, so nothing else touches the mailbox.
    func closeOrphans() {
        let orphans = mailbox.withLock { box in
            defer { box.removeAll() }
            return box
        }
        for case .adopt(let socket, _, let counted) in orphans {
            socket.close()
            if counted { server.releaseConnectionSlot() }
        }
    }

    /// Hands request `id` of connection `token` its answer.
    private func answer(token: UInt64, id: UInt64, _ response: HTTPResponse) {
        guard let connection = connections[token] else { return }
        perform(connection.machine.answered(id: id, response, now: Self.now), on: connection)
    }

    /// Answers at once when called from work the loop runs from its mailbox (where no connection's
    /// actions are being carried out), else through the mailbox.
    func respond(token: UInt64, id: UInt64, _ response: HTTPResponse) {
        if isCurrentThread, runningMail {
            answer(token: token, id: id, response)
        } else {
            post(.answer(token: token, id: id, response))
        }
    }

    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        if let listener {
            poller.remove(listener.descriptor)
            self.listener = nil
            server.listenerReleased()
        }
        let now = Self.now
        for connection in Array(connections.values) { perform(connection.machine.stop(now: now), on: connection) }
    }

    /// Carries out a machine's actions, sends what it queued, and brings the poller's interest in line.
    private func perform(_ actions: [ConnectionMachine.Action], on connection: Connection) {
        for action in actions {
            switch action {
            case .handle(let request, let id):
                if connection.unproven != nil { prove(connection) }
                server.dispatch(request, responder: HTTPResponder(loop: self, token: connection.token, id: id))
            case .rejected(let rejection):
                server.rejected(rejection)
            case .shutdownWrite:
                connection.socket.shutdownWrite()
            case .close:
                close(connection)
                return
            }
        }
        guard !connection.machine.isClosed else { return }
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while !connection.machine.unsent.isEmpty {
            guard let count = connection.socket.send(connection.machine.unsent) else {
                perform(connection.machine.sendFailed(), on: connection)
                return
            }
            if count == 0 { break }
            connection.streamBacklog?.bytes.subtract(count, ordering: .relaxed)
            let actions = connection.machine.sent(count, now: Self.now)
            if !actions.isEmpty {
                perform(actions, on: connection)
                return
            }
        }
        updateInterest(connection)
    }

    /// Brings the poller in line with what the machine waits for. Reading is muted lazily: a client that
    /// waits for its answer sends nothing meanwhile, so read interest stays registered across a request
    /// (two `epoll_ctl` calls saved per request) and is removed only when input arrives that the machine
    /// is not ready for (`mute`).
    private func updateInterest(_ connection: Connection, mute: Bool = false) {
        var wanted = connection.machine.interest
        if !wanted.read && connection.interest.read && !mute && !connection.machine.isClosed { wanted.read = true }
        guard wanted != connection.interest, connections[connection.token] != nil else { return }
        connection.interest = wanted
        var interest: Poller.Interest = []
        if wanted.read { interest.insert(.readable) }
        if wanted.write { interest.insert(.writable) }
        poller.modify(connection.socket.descriptor, token: connection.token, interest: interest)
    }

    private func close(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.token) != nil else { return }
        if connection.unproven != nil { prove(connection) }
        poller.remove(connection.socket.descriptor)
        connection.socket.close()
        if connection.counted { server.releaseConnectionSlot() }
        connection.onClose?()
        connection.onClose = nil
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
}
