/// One accepted connection, served on its own thread from its first request to its close.
///
/// Requests are read, handed to the handler and answered strictly one after another, so responses go
/// out in request order even when a client pipelines. The connection reads only when the parser needs
/// more bytes (never ahead while the handler runs), which bounds its memory by one request plus one
/// read. Every wait is bounded: by the read timeout between bytes, and by the request deadline from a
/// request's first byte to its last body byte.
struct HTTPConnection: Sendable {
    /// The connected socket.
    let socket: Socket
    /// The peer as `address:port`.
    let remoteAddress: String
    /// The server, for its configuration, handler and stop flag.
    let server: HTTPServer
    /// The server's wake-up pipe, polled while idle so shutdown closes idle connections at once.
    let wake: Int32

    private var configuration: HTTPServerConfiguration { server.configuration }

    private var readTimeoutMilliseconds: Int32 {
        Int32(clamping: Int((configuration.readTimeoutSeconds * 1000).rounded(.up)))
    }

    /// What serving one request left the connection in.
    private enum Outcome {
        /// Ready for the next request.
        case keepOpen
        /// Close after the response (asked for, HTTP/1.0, or the server is stopping).
        case close
        /// The peer closed or reset mid-request or mid-response; nothing more can be said to it.
        case peerGone
    }

    /// Serves requests until the connection closes, then closes the socket.
    func run() {
        var buffer = ReceiveBuffer()
        while awaitRequest(&buffer) {
            do throws(HTTPRequestError) {
                switch try serveRequest(&buffer) {
                case .keepOpen:
                    buffer.shrink()
                case .close:
                    socket.closeLingering(until: .after(seconds: configuration.readTimeoutSeconds))
                    return
                case .peerGone:
                    socket.close()
                    return
                }
            } catch {
                reject(error)
                return
            }
        }
        socket.close()
    }

    /// Waits for the first byte of the next request; false when the connection should close quietly: the
    /// peer closed, stayed idle for the read timeout, or the server is stopping.
    private func awaitRequest(_ buffer: inout ReceiveBuffer) -> Bool {
        if !buffer.isEmpty { return true }
        if server.isStopping { return false }
        let idleUntil = Deadline.after(seconds: configuration.readTimeoutSeconds)
        while true {
            let left = idleUntil.millisecondsLeft
            if left == 0 { return false }
            switch socket.waitForInput(milliseconds: left, wake: wake) {
            case .timedOut, .woken: return false
            case .ready:
                switch buffer.receive(from: socket) {
                case .bytes: return true
                case .wouldBlock: continue
                case .closed: return false
                }
            }
        }
    }

    /// Reads one request, calls the handler and writes its response.
    private func serveRequest(_ buffer: inout ReceiveBuffer) throws(HTTPRequestError) -> Outcome {
        let deadline = Deadline.after(seconds: configuration.requestDeadlineSeconds)
        let reader = RequestReader(
            maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes)
        let read = try reader.read(
            &buffer, more: { (buffer) throws(HTTPRequestError) in try fill(&buffer, until: deadline) },
            beforeBody: { _ in
                socket.sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), milliseconds: readTimeoutMilliseconds)
            })
        guard let (head, body) = read else { return .peerGone }

        let request = HTTPRequest(
            method: head.method, target: head.target, headers: head.headers, body: body, remoteAddress: remoteAddress)
        let response = server.handler(request)
        let close = !head.wantsKeepAlive || ResponseEncoder.asksToClose(response) || server.isStopping
        let bytes = ResponseEncoder.encode(
            response,
            ResponseEncoder.Framing(
                headOnly: head.method == "HEAD", close: close, keepAlive: !close && head.minorVersion == 0))
        guard socket.sendAll(bytes, milliseconds: readTimeoutMilliseconds) else { return .peerGone }
        return close ? .close : .keepOpen
    }

    /// Receives more bytes of the current request; false when the peer closed.
    ///
    /// Each wait is the smaller of the read timeout and what is left of the request deadline. The server's
    /// wake-up is not polled here: a request already under way is read to its end even while stopping.
    ///
    /// - Throws: `.timedOut` when either runs out.
    private func fill(_ buffer: inout ReceiveBuffer, until deadline: Deadline) throws(HTTPRequestError) -> Bool {
        let quietUntil = Deadline.after(seconds: configuration.readTimeoutSeconds)
        let limit = min(quietUntil, deadline)
        while true {
            let left = limit.millisecondsLeft
            // Polls round up, so a timed-out wait has reached the limit; ending here means no retry can spin.
            guard left > 0, case .ready = socket.waitForInput(milliseconds: left) else {
                if deadline <= quietUntil {
                    throw .timedOut("request not complete within \(configuration.requestDeadlineSeconds) s")
                }
                throw .timedOut("no byte for \(configuration.readTimeoutSeconds) s mid-request")
            }
            switch buffer.receive(from: socket) {
            case .bytes: return true
            case .wouldBlock: continue
            case .closed: return false
            }
        }
    }

    /// Answers a request the server refuses, reports it, and closes.
    private func reject(_ error: HTTPRequestError) {
        let bytes = ResponseEncoder.rejection(status: error.status, reason: error.reason)
        _ = socket.sendAll(bytes, milliseconds: readTimeoutMilliseconds)
        server.rejected(HTTPServerRejection(status: error.status, reason: error.reason, remoteAddress: remoteAddress))
        socket.closeLingering(until: .after(seconds: configuration.readTimeoutSeconds))
    }
}
