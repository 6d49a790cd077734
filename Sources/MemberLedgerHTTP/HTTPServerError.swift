import MemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `HTTPServer.start()` could not start listening. Each case names what to change.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host is not a numeric IPv4 or IPv6 address (names are not resolved, so startup never waits
    /// on DNS).
    case invalidHost(String)
    /// A configuration value is out of range; the text says which.
    case invalidConfiguration(String)
    /// `start()` was already called on this server; a server starts once.
    case alreadyStarted
    /// Binding failed, e.g. `EADDRINUSE` (another process has the port) or `EACCES` (a port below 1024).
    case bind(host: String, port: Int, errno: Int32)
    /// Listening failed.
    case listen(errno: Int32)
    /// Another setup call failed (`socket`, `setsockopt`, `pipe`, ...); usually out of descriptors.
    case system(operation: String, errno: Int32)

    /// A sentence for the operator's log, with the errno spelled out.
    public var description: String {
        switch self {
        case .invalidHost(let host): "cannot listen on \(host): not a numeric IPv4 or IPv6 address"
        case .invalidConfiguration(let problem): "invalid HTTP server configuration: \(problem)"
        case .alreadyStarted: "the HTTP server was already started"
        case .bind(let host, let port, let code):
            "cannot bind \(host):\(port): \(String(cString: strerror(code))) (errno \(code))"
        case .listen(let code): "cannot listen: \(String(cString: strerror(code))) (errno \(code))"
        case .system(let operation, let code):
            "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

extension HTTPServerError {
    /// The server's words for a socket that could not listen.
    init(_ error: SocketError) {
        switch error {
        case .invalidHost(let host): self = .invalidHost(host)
        case .bind(let host, let port, let code): self = .bind(host: host, port: port, errno: code)
        case .listen(let code): self = .listen(errno: code)
        case .system(let operation, let code): self = .system(operation: operation, errno: code)
        }
    }
}
