/// One connection's HTTP/1.1 protocol as a state machine that does no I/O: the event loop tells it what
/// happened (bytes arrived, an answer is ready, bytes went out, the peer closed, time passed) and it
/// returns what to do as data (hand a request to the handler, report a refusal, close), in swift-nio's
/// style. It keeps the bytes received and the bytes to send; the loop moves them through the socket and
/// asks `interest` what to wait for. Tests drive it without sockets.
///
/// The rules it enforces:
/// - Answers go out in request order, however the handler's answers arrive (pipelining).
/// - At most `maxPipelined` requests are handed over and unanswered, and at most `maxUnsentBytes` wait to
///   be sent; beyond either it stops reading (the kernel's window then slows the peer) until they drain.
/// - A request that asks to close, a refusal, or a server that is stopping ends the connection after
///   the answers already owed; nothing after such a request is read.
/// - Every wait is bounded by time, not by a thread: `readTimeout` between bytes mid-request and while
///   idle, `requestDeadline` from a request's first byte to its last, `readTimeout` for a peer that
///   takes none of the bytes sent to it.
/// - A streamed answer (server-sent events) is the connection's last: input after it is read only to
///   learn that the peer has gone, the idle timeout does not apply, and a peer more than
///   `maxStreamBacklog` bytes behind is closed.
struct ConnectionMachine {
    /// What the machine asks its loop to do.
    enum Action {
        /// Hand this request to the handler; its answer comes back with `answered(id:_:now:)`.
        case handle(HTTPRequest, id: UInt64)
        /// The server refused a request itself (already queued to be sent); for logs and metrics.
        case rejected(HTTPServerRejection)
        /// Shut the socket's write side: the last answer is out and the peer should see end of file.
        case shutdownWrite
        /// Close the socket now.
        case close
    }

    /// The limits and timeouts, in the units the machine counts in.
    struct Limits {
        var maxHeaderBytes: Int
        var maxBodyBytes: Int
        var readTimeout: UInt64
        var requestDeadline: UInt64
        /// Requests handed to the handler and not yet answered. One: the next request is decoded once
        /// the previous answer is known, so a handler's `Connection: close` means no later request of
        /// that connection is ever handled (pipelined answers still leave in one write).
        var maxPipelined = 1
        var maxUnsentBytes = 256 * 1024
        /// Bytes of a streamed answer that may wait to be sent before the peer is deemed gone.
        var maxStreamBacklog = 4 * 1024 * 1024

        /// The limits of a server configuration, times in nanoseconds.
        init(_ configuration: HTTPServerConfiguration) {
            maxHeaderBytes = configuration.maxHeaderBytes
            maxBodyBytes = configuration.maxBodyBytes
            readTimeout = UInt64(configuration.readTimeoutSeconds * 1e9)
            requestDeadline = UInt64(configuration.requestDeadlineSeconds * 1e9)
        }
    }

    /// What the loop should wait for on the socket.
    struct Interest: Equatable {
        var read: Bool
        var write: Bool
    }

    /// How an answer is framed, fixed when its request is read.
    private struct Framing {
        var headOnly: Bool
        var keepAlive: Bool
        var minorVersion: Int
    }

    private enum Phase {
        /// Reading requests and writing answers.
        case open
        /// The write side is shut after a refusal or a close; the peer's bytes are read and dropped
        /// until it closes or `since + readTimeout`, so the kernel does not reset the answer away.
        case lingering(since: UInt64)
        case closed
    }

    let limits: Limits
    /// The peer as `address:port`.
    let remoteAddress: String
    /// Bytes received and not yet decoded; the loop reads into it.
    var received = ReceiveBuffer()
    private var decoder: RequestDecoder
    private var phase = Phase.open
    private var output: [UInt8] = []
    private var outputStart = 0
    private var nextID: UInt64 = 0
    private var nextToSend: UInt64 = 0
    private var framings: [UInt64: Framing] = [:]
    private var answers: [UInt64: [UInt8]] = [:]
    /// No request is read after this id (one that asked to close, or a refusal).
    private var lastID: UInt64?
    private var stopping = false
    private var peerClosed = false
    /// The request whose answer streams, once its head is queued.
    private var streaming: UInt64?
    /// The stream's sender finished it, or the server is stopping.
    private var streamEnded = false
    private var requestStarted: UInt64?
    private var lastInput: UInt64
    private var lastOutput: UInt64

    /// A connection accepted at `now`.
    init(limits: Limits, remoteAddress: String, now: UInt64) {
        self.limits = limits
        self.remoteAddress = remoteAddress
        decoder = RequestDecoder(maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes)
        lastInput = now
        lastOutput = now
    }

    // MARK: - What the loop asks

    /// What to wait for on the socket.
    var interest: Interest {
        switch phase {
        case .closed: return Interest(read: false, write: false)
        case .lingering: return Interest(read: !peerClosed, write: false)
        case .open:
            let read = !peerClosed && ((lastID == nil && roomForMore) || (streaming != nil && !streamEnded))
            return Interest(read: read, write: !unsent.isEmpty)
        }
    }

    /// The bytes waiting to be sent.
    var unsent: ArraySlice<UInt8> { output[outputStart...] }

    /// Whether the connection is closed (the loop has closed or must close the socket).
    var isClosed: Bool { if case .closed = phase { true } else { false } }

    /// Whether the server's shutdown may close it now: nothing owed and no request under way.
    var isIdle: Bool { nextID == nextToSend && unsent.isEmpty && !decoder.isMidRequest(received) }

    /// Whether the machine is between the shutdown of its write side and the close.
    var isLingering: Bool { if case .lingering = phase { true } else { false } }

    // MARK: - What happened

    /// Bytes were appended to `received`.
    mutating func bytesReceived(now: UInt64) -> [Action] {
        lastInput = now
        if case .lingering = phase {
            received.consume(received.count)
            return []
        }
        if streaming != nil {
            received.consume(received.count)
            return []
        }
        return decode(now: now)
    }

    /// The peer closed its side (a read returned end of file) or the connection failed.
    mutating func peerClosedInput() -> [Action] {
        peerClosed = true
        switch phase {
        case .closed: return []
        case .lingering: return close()
        case .open:
            if streaming != nil { return close() }
            // A request cut off mid-way can never be answered; answers owed for whole ones are still sent
            // (a client may half-close after its last request).
            if decoder.isMidRequest(received) || (nextID == nextToSend && unsent.isEmpty) { return close() }
            return []
        }
    }

    /// The socket failed on a send: nothing more can be said to the peer.
    mutating func sendFailed() -> [Action] {
        close()
    }

    /// The handler answered request `id`.
    mutating func answered(id: UInt64, _ response: HTTPResponse, now: UInt64) -> [Action] {
        guard case .open = phase, id <= lastID ?? id, let framing = framings.removeValue(forKey: id) else { return [] }
        let ends =
            !framing.keepAlive || stopping || ResponseEncoder.asksToClose(response) || id == lastID || response.streams
        if ends, lastID.map({ id < $0 }) ?? true { lastID = id }
        if response.streams && !framing.headOnly && id == lastID {
            streaming = id
            streamEnded = stopping
        }
        let bytes = ResponseEncoder.encode(
            response,
            ResponseEncoder.Framing(
                headOnly: framing.headOnly, close: ends, keepAlive: !ends && framing.minorVersion == 0))
        answers[id] = bytes
        flushAnswers(now: now)
        return decode(now: now)
    }

    /// The streamed answer to request `id` goes on with `bytes`.
    mutating func streamed(id: UInt64, _ bytes: [UInt8], now: UInt64) -> [Action] {
        guard case .open = phase, streaming == id, !streamEnded else { return [] }
        if nextToSend <= id {
            answers[id, default: []] += bytes
        } else {
            if unsent.isEmpty { lastOutput = now }
            queue(bytes)
        }
        return unsent.count > limits.maxStreamBacklog ? close() : []
    }

    /// The streamed answer to request `id` has ended: the connection closes once it is out.
    mutating func endStream(id: UInt64) -> [Action] {
        guard streaming == id else { return [] }
        streamEnded = true
        return finishIfDone()
    }

    /// `count` bytes of `unsent` went out.
    mutating func sent(_ count: Int, now: UInt64) -> [Action] {
        outputStart += count
        lastOutput = now
        if outputStart == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
            outputStart = 0
        }
        return decode(now: now)
    }

    /// The connection is over the server's cap: it is answered `answer` (a 503) before it sends anything
    /// and closed once the answer is out, lingering so the peer reads it rather than a reset.
    mutating func refuseAtOnce(_ answer: [UInt8], now: UInt64) -> [Action] {
        let id = nextID
        nextID += 1
        lastID = id
        answers[id] = answer
        flushAnswers(now: now)
        return finishIfDone()
    }

    /// Time passed: closes or refuses what waited too long.
    mutating func tick(now: UInt64) -> [Action] {
        switch phase {
        case .closed: return []
        case .lingering(let since): return now &- since >= limits.readTimeout ? close() : []
        case .open: break
        }
        if !unsent.isEmpty && now &- lastOutput >= limits.readTimeout { return close() }
        if streaming != nil { return [] }
        // While reading is held back (answers owed), silence is the server's doing, not the peer's.
        if let started = requestStarted, interest.read {
            if now &- started >= limits.requestDeadline {
                return refuse(.timedOut("request not complete within \(Self.seconds(limits.requestDeadline)) s"), now)
            }
            if now &- lastInput >= limits.readTimeout {
                return refuse(.timedOut("no byte for \(Self.seconds(limits.readTimeout)) s mid-request"), now)
            }
        } else if isIdle && now &- max(lastInput, lastOutput) >= limits.readTimeout {
            return close()
        }
        return []
    }

    /// The server is stopping: an idle connection closes now, a busy one after the answers it owes.
    mutating func stop(now: UInt64) -> [Action] {
        stopping = true
        guard case .open = phase else { return [] }
        if streaming != nil {
            streamEnded = true
            return finishIfDone()
        }
        if isIdle { return close() }
        if !decoder.isMidRequest(received), lastID == nil, nextID > nextToSend { lastID = nextID - 1 }
        return []
    }

    // MARK: - Steps

    private mutating func decode(now: UInt64) -> [Action] {
        var actions: [Action] = []
        while case .open = phase, lastID == nil, roomForMore, !received.isEmpty {
            let step: RequestDecoder.Step
            do throws(HTTPRequestError) {
                step = try decoder.decode(&received)
            } catch {
                return actions + refuse(error, now)
            }
            switch step {
            case .needMore:
                if decoder.isMidRequest(received) { requestStarted = requestStarted ?? now }
                return actions + finishIfDone()
            case .continueExpected:
                requestStarted = requestStarted ?? now
                // An interim answer may not overtake answers owed for earlier requests; the client then
                // sends its body after its own short wait (RFC 9110 §10.1.1).
                if nextID == nextToSend { queue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
            case .request(let head, let body):
                requestStarted = nil
                let id = nextID
                nextID += 1
                framings[id] = Framing(
                    headOnly: head.method == "HEAD", keepAlive: head.wantsKeepAlive && !stopping,
                    minorVersion: head.minorVersion)
                if !head.wantsKeepAlive || stopping { lastID = id }
                let request = HTTPRequest(
                    method: head.method, target: head.target, headers: head.headers, body: body,
                    remoteAddress: remoteAddress)
                actions.append(.handle(request, id: id))
            }
        }
        return actions + finishIfDone()
    }

    private var roomForMore: Bool {
        nextID - nextToSend < UInt64(limits.maxPipelined) && unsent.count < limits.maxUnsentBytes
    }

    /// Queues a refusal after the answers owed, then ends the connection.
    private mutating func refuse(_ error: HTTPRequestError, _ now: UInt64) -> [Action] {
        let id = nextID
        nextID += 1
        lastID = id
        requestStarted = nil
        received.consume(received.count)
        answers[id] = ResponseEncoder.rejection(status: error.status, reason: error.reason)
        flushAnswers(now: now)
        let rejection = HTTPServerRejection(status: error.status, reason: error.reason, remoteAddress: remoteAddress)
        return [.rejected(rejection)] + finishIfDone()
    }

    /// Moves answers that are next in order to the output.
    private mutating func flushAnswers(now: UInt64) {
        if unsent.isEmpty { lastOutput = now }
        while nextToSend <= lastID ?? nextToSend, let bytes = answers.removeValue(forKey: nextToSend) {
            queue(bytes)
            nextToSend += 1
        }
    }

    private mutating func queue(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    /// Closes, or starts lingering, once the last answer owed has gone out.
    private mutating func finishIfDone() -> [Action] {
        guard case .open = phase, unsent.isEmpty, streaming == nil || streamEnded else { return [] }
        if let last = lastID, nextToSend > last {
            if peerClosed { return close() }
            phase = .lingering(since: lastOutput)
            return [.shutdownWrite]
        }
        if peerClosed && nextToSend == nextID { return close() }
        return []
    }

    private mutating func close() -> [Action] {
        if case .closed = phase { return [] }
        phase = .closed
        return [.close]
    }

    private static func seconds(_ nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds) / 1e9
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
