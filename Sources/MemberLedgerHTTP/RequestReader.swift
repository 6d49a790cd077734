/// Reads one request from a buffer with `RequestDecoder`, asking `more` for bytes whenever it needs
/// them: the in-memory parser (`HTTPRequestParser`, which the fuzz campaign drives) runs it over bytes it
/// already holds, so what is fuzzed is what the event loops serve.
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
        var decoder = RequestDecoder(maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes)
        while true {
            switch try decoder.decode(&buffer) {
            case .request(let head, let body): return (head, body)
            case .continueExpected(let head): guard beforeBody(head) else { return nil }
            case .needMore: guard try more(&buffer) else { return nil }
            }
        }
    }
}
