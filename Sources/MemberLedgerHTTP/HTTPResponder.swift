import Synchronization

/// Where a handler sends its answer to one request, from any thread and at any time (say, once the
/// journal has made the request durable): the answer goes to the connection's event loop, which writes
/// it in request order. Each responder must answer exactly once; an answer for a connection that has
/// closed meanwhile is dropped.
public struct HTTPResponder: Sendable {
    let loop: EventLoop
    let token: UInt64
    let id: UInt64

    /// Sends the answer.
    public func respond(_ response: HTTPResponse) {
        loop.respond(token: token, id: id, response)
    }

    /// Answers with a body that goes on (server-sent events): `head` (status, fields and any first bytes)
    /// now, then whatever is sent through the returned stream, until the stream is finished, the peer
    /// closes or the server stops. `onClose` runs once, on the loop, when the connection has ended (at
    /// once if it already had), so the sender can stop sending.
    public func respondStreaming(_ head: HTTPResponse, onClose: @escaping @Sendable () -> Void) -> HTTPStream {
        var head = head
        head.streams = true
        let backlog = StreamBacklog()
        loop.post(.stream(token: token, id: id, head, backlog: backlog, onClose: onClose))
        return HTTPStream(loop: loop, token: token, id: id, backlog: backlog)
    }

    /// Runs `work` on the connection's event loop (soon after, when called there): where the answer is
    /// made, logged and sent, so the thread that learnt of it (the journal's flusher) hands it on at once.
    public func onLoop(_ work: @escaping @Sendable () -> Void) {
        loop.post(.run(work))
    }
}

/// The rest of a streamed answer (`HTTPResponder.respondStreaming`): bytes sent from any thread go out in
/// the order sent; a connection that has closed drops them. A peer that takes none of them for the read
/// timeout, or falls `maxStreamBacklog` bytes behind, is closed.
public struct HTTPStream: Sendable {
    let loop: EventLoop
    let token: UInt64
    let id: UInt64
    let backlog: StreamBacklog

    /// Bytes sent through this stream that have not reached the socket yet: a sender with more to say
    /// (a feed catching up) waits while this is high, so a slow reader slows it instead of being cut off.
    public var unsentBytes: Int { backlog.bytes.load(ordering: .relaxed) }

    /// Sends more of the body.
    public func send(_ bytes: [UInt8]) {
        backlog.bytes.add(bytes.count, ordering: .relaxed)
        loop.post(.streamed(token: token, id: id, bytes))
    }

    /// Ends the body: the connection closes once what was sent is out.
    public func finish() {
        loop.post(.endStream(token: token, id: id))
    }
}

/// Bytes handed to a stream and not yet written to its socket, counted up by the sender and down by the
/// event loop as it writes.
final class StreamBacklog: Sendable {
    let bytes = Atomic<Int>(0)
}
