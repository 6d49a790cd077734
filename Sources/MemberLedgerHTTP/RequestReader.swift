/// The steps of reading one request from a buffer: head, Host check, framing, optional `100 Continue`,
/// body. The connection runs them against a socket (its `more` receives, bounded by its timeouts); the
/// in-memory parser (`HTTPRequestParser`, which the fuzz campaign drives) runs the very same steps over
/// bytes it already holds, so what is fuzzed is what serves.
struct RequestReader {
    /// The header section limit.
    let maxHeaderBytes: Int
    /// The body limit.
    let maxBodyBytes: Int

    /// Reads one request; nil when `more` reports the bytes ran out first. `more` adds bytes to the
    /// buffer (false: no more will come); `beforeBody` runs once the head asks for `100 Continue` and
    /// has a body (false: the peer is gone).
    func read(
        _ buffer: inout ReceiveBuffer, more: (inout ReceiveBuffer) throws(HTTPRequestError) -> Bool,
        beforeBody: (RequestHead) -> Bool = { _ in true }
    ) throws(HTTPRequestError) -> (head: RequestHead, body: [UInt8])? {
        var parser = RequestHeadParser(limit: maxHeaderBytes)
        var parsed: RequestHead?
        while parsed == nil {
            let (consumed, head) = try parser.parse(buffer.unread)
            buffer.consume(consumed)
            parsed = head
            if parsed == nil { guard try more(&buffer) else { return nil } }
        }
        guard let head = parsed else { return nil }
        try head.checkHost()
        let framing = try head.bodyFraming(maxBodyBytes: maxBodyBytes)
        if try head.expectsContinue(), framing != .none, framing != .length(0) {
            // The client holds the body back until it hears this; an oversized one was refused above.
            guard beforeBody(head) else { return nil }
        }
        switch framing {
        case .none:
            return (head, [])
        case .length(let length):
            while buffer.count < length {
                guard try more(&buffer) else { return nil }
            }
            return (head, buffer.take(length))
        case .chunked:
            var decoder = ChunkedBodyDecoder(maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeaderBytes)
            while true {
                buffer.consume(try decoder.decode(buffer.unread))
                if decoder.isComplete { return (head, decoder.body) }
                guard try more(&buffer) else { return nil }
            }
        }
    }
}
