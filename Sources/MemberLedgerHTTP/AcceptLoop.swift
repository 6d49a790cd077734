#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The accept thread: takes connections, hands each to a thread of its own or, over the cap, answers
/// `503` at once, and keeps going whatever `accept` says.
///
/// It never blocks on a peer. The 503 goes out with one non-blocking send (a fresh socket's buffer holds
/// it whole); the refused socket then lingers in this loop's poll set, its input drained, until the peer
/// closes or the read timeout passes, because closing over unread input would reset the connection and
/// could destroy the 503 before the client reads it. When descriptors run out (`EMFILE`, `ENFILE`), the
/// loop stops polling the listener for 100 ms instead of spinning on a queue it cannot take from.
struct AcceptLoop {
    /// The server whose connections these are.
    let server: HTTPServer
    /// The listening socket; closed when the loop ends.
    let listener: Socket
    /// Readable once the server is stopping.
    let wake: WakeSignal

    private var lingering: [(socket: Socket, until: Deadline)] = []
    private var backOffUntil: Deadline?

    private static let backOffSeconds = 0.1
    private static let acceptsPerWake = 64

    /// Creates the loop.
    init(server: HTTPServer, listener: Socket, wake: WakeSignal) {
        self.server = server
        self.listener = listener
        self.wake = wake
    }

    /// Accepts until the wake-up pipe fires, then closes the listener and every lingering socket.
    mutating func run() {
        defer {
            listener.close()
            for entry in lingering { entry.socket.close() }
        }
        while true {
            if let until = backOffUntil, until.hasPassed { backOffUntil = nil }
            let listening = backOffUntil == nil
            var descriptors = [pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)]
            if listening { descriptors.append(pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0)) }
            for entry in lingering {
                descriptors.append(pollfd(fd: entry.socket.descriptor, events: Int16(POLLIN), revents: 0))
            }
            let result = poll(&descriptors, nfds_t(descriptors.count), nextTimeout())
            if result == -1 {
                if errno != EINTR { backOffUntil = .after(seconds: Self.backOffSeconds) }
                continue
            }
            if descriptors[0].revents != 0 { return }
            let lingeringStart = listening ? 2 : 1
            serviceLingering(ready: descriptors[lingeringStart...].map { $0.revents != 0 })
            if listening && descriptors[1].revents != 0 { acceptWaiting() }
        }
    }

    /// Milliseconds until the back-off ends or the next lingering socket expires; -1 (forever) when
    /// there is neither, so an idle server does not wake at all.
    private func nextTimeout() -> Int32 {
        var next = backOffUntil
        for entry in lingering where next.map({ entry.until < $0 }) ?? true { next = entry.until }
        guard let next else { return -1 }
        return max(1, next.millisecondsLeft)
    }

    /// Accepts what is queued, up to a batch, so the loop returns to its wake-up check regularly.
    private mutating func acceptWaiting() {
        for _ in 0..<Self.acceptsPerWake {
            switch listener.accept() {
            case .nothing:
                return
            case .exhausted:
                backOffUntil = .after(seconds: Self.backOffSeconds)
                return
            case .connection(let socket, let remoteAddress):
                if server.reserveConnectionSlot() {
                    server.startConnection(socket, remoteAddress: remoteAddress, wake: wake)
                } else {
                    refuse(socket, remoteAddress: remoteAddress)
                }
            }
        }
    }

    /// Answers a connection over the cap with 503 and lets it linger (or closes it when too many
    /// already linger, which bounds the descriptors this can hold).
    private mutating func refuse(_ socket: Socket, remoteAddress: String) {
        let limit = server.configuration.maxConnections
        let reason = "connection limit (\(limit)) reached"
        socket.sendOnce(
            ResponseEncoder.rejection(status: 503, reason: reason, extraHeaders: [(name: "Retry-After", value: "1")]))
        if lingering.count < limit {
            socket.shutdownWrite()
            lingering.append((socket, .after(seconds: server.configuration.readTimeoutSeconds)))
        } else {
            socket.close()
        }
        server.rejected(HTTPServerRejection(status: 503, reason: reason, remoteAddress: remoteAddress))
    }

    /// Drains the lingering sockets that have input; closes those whose peer closed or whose time is up.
    private mutating func serviceLingering(ready: [Bool]) {
        var kept: [(socket: Socket, until: Deadline)] = []
        for (entry, isReady) in zip(lingering, ready) {
            let peerOpen = isReady ? entry.socket.discardWaitingInput() : true
            if peerOpen && !entry.until.hasPassed {
                kept.append(entry)
            } else {
                entry.socket.close()
            }
        }
        lingering = kept
    }
}
