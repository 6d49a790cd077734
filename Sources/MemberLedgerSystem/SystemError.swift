#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call: which operation, on what, and the errno it gave.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation, e.g. `fdatasync`.
    public var operation: String
    /// The path or descriptor it concerned.
    public var subject: String
    /// The errno value.
    public var code: Int32

    /// Creates an error.
    public init(operation: String, subject: String, code: Int32) {
        self.operation = operation
        self.subject = subject
        self.code = code
    }

    public var description: String {
        "\(operation) \(subject): \(String(cString: strerror(code))) (errno \(code))"
    }
}
