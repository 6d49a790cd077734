import Foundation
import MemberLedgerTesting

/// What a finished child process left behind.
struct ProcessOutput: Sendable {
    /// Its exit status (or 128 + the signal that ended it).
    var status: Int32
    /// Everything it wrote to standard output.
    var stdout: Data
    /// Everything it wrote to standard error, for failure messages.
    var stderr: String
}

/// Runs real clients (python3, curl) as child processes on threads of their own, killing them when they
/// overrun their time, so no test leaves a process behind or holds a cooperative thread while it waits.
enum Subprocess {
    /// Runs `executable` to completion (at most `timeout` seconds, then SIGKILL).
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 20) async throws -> ProcessOutput {
        let output = try await ChildProcess.run(executable, arguments, timeout: timeout)
        return ProcessOutput(status: output.status, stdout: Data(output.stdout), stderr: output.stderr)
    }

    /// python3, when installed.
    static let python = ChildProcess.python
    /// curl, when installed.
    static let curl = ChildProcess.find("curl")
}
