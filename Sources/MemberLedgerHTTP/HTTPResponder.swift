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

    /// Runs `work` on the connection's event loop (soon after, when called there): where the answer is
    /// made, logged and sent, so the thread that learnt of it (the journal's flusher) hands it on at once.
    public func onLoop(_ work: @escaping @Sendable () -> Void) {
        loop.post(.run(work))
    }
}
