#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place where a syscall is retried after EINTR; every wrapper in the package goes through it,
/// so the rule is written once: an interrupted call is repeated, any other -1 is its errno. Named calls
/// also pass the fault seam (`SyscallFaults`).
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

    /// Runs `call`, the operation named (`accept`, `send`, …) on `subject`, until it is not interrupted:
    /// a fault installed for it (`SyscallFaults`) answers instead of the call.
    @inline(__always)
    public static func run<Value: BinaryInteger>(
        _ operation: String, _ subject: @autoclosure () -> String, _ call: () -> Value
    ) -> Result<Value, Errno> {
        if let fault = SyscallFaults.fault(operation, subject()) { return .failure(fault) }
        return run(call)
    }

    /// Runs `call` until it is not interrupted; a -1 with any other errno throws, naming the operation
    /// and what it concerned. A fault installed for it (`SyscallFaults`) answers instead of the call.
    public static func checked<Value: BinaryInteger>(
        _ operation: String, _ subject: String, _ call: () -> Value
    ) throws(SystemError) -> Value {
        switch run(operation, subject, call) {
        case .success(let value): return value
        case .failure(let code): throw SystemError(operation: operation, subject: subject, code: code.rawValue)
        }
    }
}
