/// Decodes one connection's requests as bytes arrive: head, Host check, framing, optional
/// `100 Continue`, body. It never waits: it takes what the buffer holds and says what it found, so an
/// event loop feeds it after each read, and `RequestReader` (the in-memory parser the fuzz campaign
/// drives) runs the very same steps over bytes it already holds.
struct RequestDecoder {
    /// What one call found.
    enum Step {
        /// The buffer holds no complete request yet.
        case needMore
        /// The head asks for `100 Continue` before its body; said once, then decoding goes on.
        case continueExpected(RequestHead)
        /// A whole request; its bytes are consumed, any after it stay for the next.
        case request(RequestHead, body: [UInt8])
    }

    private enum Phase {
        case head(RequestHeadParser)
        case length(RequestHead, Int)
        case chunked(RequestHead, ChunkedBodyDecoder)
    }

    /// The header section limit.
    let maxHeaderBytes: Int
    /// The body limit.
    let maxBodyBytes: Int
    private var phase: Phase

    /// A decoder waiting for a request line.
    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        phase = .head(RequestHeadParser(limit: maxHeaderBytes))
    }

    /// Whether part of a request has been taken (a line begun, a head without its body).
    func isMidRequest(_ buffer: ReceiveBuffer) -> Bool {
        if case .head(let parser) = phase { return parser.hasStarted || !buffer.isEmpty }
        return true
    }

    /// Decodes what `buffer` holds.
    mutating func decode(_ buffer: inout ReceiveBuffer) throws(HTTPRequestError) -> Step {
        switch phase {
        case .head(var parser):
            let (consumed, parsed) = try parser.parse(buffer.unread)
            buffer.consume(consumed)
            guard let head = parsed else {
                phase = .head(parser)
                return .needMore
            }
            try head.checkHost()
            let framing = try head.bodyFraming(maxBodyBytes: maxBodyBytes)
            let continues = try head.expectsContinue()
            switch framing {
            case .none: return finish(head, body: [])
            case .length(let length): phase = .length(head, length)
            case .chunked:
                phase = .chunked(head, ChunkedBodyDecoder(maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeaderBytes))
            }
            // The client holds the body back until it hears this; an oversized one was refused above.
            if continues, framing != .length(0) { return .continueExpected(head) }
            return try decode(&buffer)
        case .length(let head, let length):
            guard buffer.count >= length else { return .needMore }
            return finish(head, body: buffer.take(length))
        case .chunked(let head, var decoder):
            buffer.consume(try decoder.decode(buffer.unread))
            guard decoder.isComplete else {
                phase = .chunked(head, decoder)
                return .needMore
            }
            return finish(head, body: decoder.body)
        }
    }

    private mutating func finish(_ head: RequestHead, body: [UInt8]) -> Step {
        phase = .head(RequestHeadParser(limit: maxHeaderBytes))
        return .request(head, body: body)
    }
}
