import Synchronization

/// The seam for making chosen system calls fail, for tests and fault campaigns: a rule installed here
/// sees each named call (`open`, `write`, `fdatasync`, `accept`, `send`, …) with what it concerns (a
/// path, a descriptor) and may answer an errno, which the wrapper then reports exactly as if the kernel
/// had (`Syscall.checked` throws it, `Syscall.run` returns it), without making the call.
///
/// Production never installs a rule: the check is one relaxed atomic load. Rules should match their own
/// test's paths only, since tests run in parallel in one process.
public enum SyscallFaults {
    /// Given a call's operation and subject, the errno to fail it with, or nil to let it run.
    public typealias Rule = @Sendable (_ operation: String, _ subject: String) -> Errno?

    /// An installed rule; `remove` takes it out.
    public struct Installation: Sendable, Hashable {
        let id: UInt64
    }

    private static let installed = Atomic<Int>(0)
    private static let rules = Mutex<(next: UInt64, rules: [(id: UInt64, rule: Rule)])>((1, []))

    /// Installs a rule until `remove`.
    public static func install(_ rule: @escaping Rule) -> Installation {
        rules.withLock { state in
            let id = state.next
            state.next += 1
            state.rules.append((id, rule))
            installed.store(state.rules.count, ordering: .relaxed)
            return Installation(id: id)
        }
    }

    /// Removes a rule.
    public static func remove(_ installation: Installation) {
        rules.withLock { state in
            state.rules.removeAll { $0.id == installation.id }
            installed.store(state.rules.count, ordering: .relaxed)
        }
    }

    /// The errno the first matching rule gives the call, if any.
    @inline(__always)
    static func fault(_ operation: String, _ subject: @autoclosure () -> String) -> Errno? {
        guard installed.load(ordering: .relaxed) > 0 else { return nil }
        let subject = subject()
        let current = rules.withLock { $0.rules.map(\.rule) }
        for rule in current {
            if let code = rule(operation, subject) { return code }
        }
        return nil
    }

    /// Throws what a rule gives the call, for wrappers that make their call once, never retried (a sync).
    @inline(__always)
    static func check(_ operation: String, _ subject: @autoclosure () -> String) throws(SystemError) {
        guard let code = fault(operation, subject()) else { return }
        throw SystemError(operation: operation, subject: subject(), code: code.rawValue)
    }
}
