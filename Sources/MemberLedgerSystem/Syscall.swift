#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place where a syscall is retried after EINTR; every wrapper in the package goes through it,
/// so the rule is written once: an interrupted call is repeated, any other -1 is its errno.
public enum Syscall {
    /// Runs `call` until it is not interrupted; its result, or the errno of a -1.
    @inline(__always)
    public static func run<Value: BinaryInteger>(_ call: () -> Value) -> Result<Value, Errno> {
        while true {
            let value = call()
            if value != -1 { return .success(value) }
            let code = errno
            if code != EINTR { return .failure(Errno(code)) }
        }
    }

    /// Runs `call` until it is not interrupted; a -1 with any other errno throws, naming the operation
    /// and what it concerned.
    public static func checked<Value: BinaryInteger>(
        _ operation: String, _ subject: String, _ call: () -> Value
    ) throws(SystemError) -> Value {
        switch run(call) {
        case .success(let value): return value
        case .failure(let code): throw SystemError(operation: operation, subject: subject, code: code.rawValue)
        }
    }
}
