#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An errno value, as the one failure type of a raw syscall: the caller decides which values are
/// expected (`wouldBlock` on a non-blocking socket) and which become a `SystemError`.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The number.
    public let rawValue: Int32

    /// Wraps a number.
    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// EAGAIN or EWOULDBLOCK: a non-blocking call that would have waited.
    public var isWouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }

    /// The C library's text and the number.
    public var description: String { "\(String(cString: strerror(rawValue))) (errno \(rawValue))" }
}
