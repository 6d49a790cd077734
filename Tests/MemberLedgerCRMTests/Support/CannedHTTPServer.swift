import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback listener for the transport's own tests: it answers each connection with the next canned
/// response (then closes it) and keeps every request it read, raw. With no answers it accepts nothing,
/// so a client's connection is taken by the kernel and never answered.
final class CannedHTTPServer: Sendable {
    let port: Int
    private let listener: Int32
    private let received = Mutex<[String]>([])
    private let finished = DispatchSemaphore(value: 0)
    private let answerCount: Int

    /// Listens on 127.0.0.1, on a free port; `answers` are raw HTTP responses, one per connection.
    init(answers: [String]) throws {
        (listener, port) = try Self.listen()
        answerCount = answers.count
        guard !answers.isEmpty else { return }
        let thread = Thread { [self] in
            for answer in answers {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { break }
                let request = Self.readRequest(connection)
                received.withLock { $0.append(request) }
                let bytes = Array(answer.utf8)
                _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
            finished.signal()
        }
        thread.start()
    }

    deinit {
        close(listener)
    }

    /// The requests read so far, as text.
    var requests: [String] { received.withLock { $0 } }

    /// Waits until every canned answer has been given (at most `seconds`).
    func waitUntilAnswered(seconds: Double = 10) -> Bool {
        answerCount == 0 || finished.wait(timeout: .now() + seconds) == .success
    }

    /// A port on 127.0.0.1 that nothing listens on (bound a moment, then closed).
    static func closedPort() throws -> Int {
        let (socket, port) = try bound()
        close(socket)
        return port
    }

    private static func listen() throws -> (Int32, Int) {
        let (socket, port) = try bound()
        guard Glibc.listen(socket, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        return (socket, port)
    }

    private static func bound() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard ok else {
            close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The head and, by its Content-Length, the body of one request.
    private static func readRequest(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) {
                let head = String(decoding: bytes[..<end], as: UTF8.self)
                let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                let length =
                    lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if bytes.count >= end + 4 + length { break }
            }
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
