/// Parses requests from bytes in memory with the same reader the server runs on its sockets: for the
/// fuzz campaign's in-process harness, and for tools that hold a captured request.
public enum HTTPRequestParser {
    /// What a run over some bytes found.
    public struct Parsed: Sendable {
        /// The complete requests, in order (pipelined requests one after another).
        public var requests: [HTTPRequest]
        /// Why parsing stopped early: the status the server would answer (400, 413, 431, 501, ...)
        /// and its reason; nil when every byte was used or the rest is an incomplete request.
        public var refusal: (status: Int, reason: String)?
        /// Bytes left over at the end: an incomplete request the server would wait for.
        public var incomplete: Int
    }

    /// Parses `bytes` as one connection's input under `configuration`'s limits.
    public static func parse(_ bytes: [UInt8], configuration: HTTPServerConfiguration = .init()) -> Parsed {
        let reader = RequestReader(
            maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes)
        var buffer = ReceiveBuffer()
        buffer.append(bytes[...])
        var requests: [HTTPRequest] = []
        do throws(HTTPRequestError) {
            while !buffer.isEmpty {
                guard let (head, body) = try reader.read(&buffer, more: { _ in false }) else { break }
                requests.append(
                    HTTPRequest(
                        method: head.method, target: head.target, headers: head.headers, body: body,
                        remoteAddress: "memory"))
            }
        } catch {
            return Parsed(requests: requests, refusal: (error.status, error.reason), incomplete: 0)
        }
        return Parsed(requests: requests, refusal: nil, incomplete: buffer.count)
    }
}
