import Foundation
import MemberLedgerTesting

/// Runs real clients (python3, curl) as child processes on threads of their own, killing them when they
/// overrun their time, so no test leaves a process behind or holds a cooperative thread while it waits.
enum Subprocess {
    /// Runs `executable` to completion (at most `timeout` seconds, then SIGKILL).
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 20) async throws
        -> ChildProcess.Output
    {
        try await ChildProcess.run(executable, arguments, timeout: timeout)
    }

    /// python3, when installed.
    static let python = ChildProcess.python
    /// curl, when installed.
    static let curl = ChildProcess.find("curl")
}
