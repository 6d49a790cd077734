import Foundation
import MemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking HTTP/1.1 client on one keep-alive loopback connection: enough to drive the server from
/// many threads at once (the crash loop's 64 clients, the fuzzer's raw sends) without a dependency.
public final class LoopbackClient {
    /// An answer: status and body.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// The body, decoded as UTF-8.
        public var body: String
    }

    /// The connection failed, closed, or answered something that is not HTTP.
    public struct Failure: Error {}

    private let descriptor: Int32
    private var buffered: [UInt8] = []

    /// Connects to 127.0.0.1:`port` (with a receive timeout, so a dead server cannot hang a client).
    public init(port: Int, timeoutSeconds: Int = 30) throws(Failure) {
        #if canImport(Glibc)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure() }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: the instance is whole, so throwing runs deinit, which closes the socket. Closing
        // twice would close whatever descriptor the number had been given to meanwhile.
        guard connected == 0 else { throw Failure() }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends raw bytes (a whole request, or anything at all).
    public func send(_ bytes: [UInt8]) throws(Failure) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { raw in
                Syscall.run { systemSend(descriptor, raw.baseAddress, raw.count) }
            }
            guard case .success(let written) = count, written > 0 else { throw Failure() }
            sent += written
        }
    }

    /// Closes the sending side, so the server sees the end of the input at once.
    public func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Reads until the server closes (or the receive timeout passes), returning everything it sent.
    public func readToEnd() -> [UInt8] {
        while (try? receive()) != nil {}
        defer { buffered = [] }
        return buffered
    }

    /// POSTs a form body to `target` and reads the answer.
    public func post(_ target: String, form: String) throws(Failure) -> Response {
        let head =
            "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: \(form.utf8.count)\r\n\r\n"
        try send(Array((head + form).utf8))
        return try readResponse()
    }

    /// Reads one response with a Content-Length body (all this server sends).
    public func readResponse() throws(Failure) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffered.indices.dropLast(3).first { buffered[$0..<($0 + 4)].elementsEqual(separator) }
            if headEnd == nil { try receive() }
        }
        let head = String(decoding: buffered[..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure() }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let bodyStart = headEnd! + 4
        while buffered.count < bodyStart + length { try receive() }
        let body = String(decoding: buffered[bodyStart..<(bodyStart + length)], as: UTF8.self)
        buffered.removeFirst(bodyStart + length)
        return Response(status: status, body: body)
    }

    private func receive() throws(Failure) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { raw in
            Syscall.run { recv(descriptor, raw.baseAddress, raw.count, 0) }
        }
        guard case .success(let received) = count, received > 0 else { throw Failure() }
        buffered += chunk[..<received]
    }
}

extension String {
    /// The integer after `"name":` in a JSON text, without parsing the whole document.
    public func jsonInteger(_ name: String) -> Int64? {
        guard let range = range(of: "\"\(name)\":") else { return nil }
        return Int64(self[range.upperBound...].prefix { $0.isNumber })
    }
}

/// `send` without SIGPIPE (the method of the same name shadows the C function).
private func systemSend(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        send(descriptor, buffer, count, Int32(MSG_NOSIGNAL))
    #else
        send(descriptor, buffer, count, 0)
    #endif
}
