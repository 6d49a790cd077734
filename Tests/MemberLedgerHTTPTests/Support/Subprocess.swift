import Foundation
import MemberLedgerTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a finished child process left behind.
struct ProcessOutput: Sendable {
    /// Its exit status (or the signal that ended it).
    var status: Int32
    /// Everything it wrote to standard output.
    var stdout: Data
    /// Everything it wrote to standard error, for failure messages.
    var stderr: String
}

/// Runs real clients (python3, curl) as child processes without blocking the test's thread, and kills
/// them when they overrun their time or the test is cancelled, so no test leaves a process behind.
enum Subprocess {
    /// The child's pid once started, and whether it has ended (after which the pid is never signalled,
    /// since it may belong to someone else).
    private final class Tracker: Sendable {
        let state = Mutex<(pid: Int32?, finished: Bool)>((nil, false))

        func terminate() {
            state.withLock { state in
                if let pid = state.pid, !state.finished { _ = kill(pid, SIGKILL) }
            }
        }
    }

    /// Runs `executable` to completion (at most `timeout` seconds, then SIGKILL).
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 20) async throws -> ProcessOutput {
        let folder = TemporaryFolder("memberledger-http-test")
        let outputPath = folder.appending("stdout")
        let errorPath = folder.appending("stderr")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        let tracker = Tracker()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                process.terminationHandler = { _ in
                    tracker.state.withLock { $0.finished = true }
                    continuation.resume()
                }
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                tracker.state.withLock { $0.pid = process.processIdentifier }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { tracker.terminate() }
            }
        } onCancel: {
            tracker.terminate()
        }
        return ProcessOutput(
            status: process.terminationStatus,
            stdout: FileManager.default.contents(atPath: outputPath) ?? Data(),
            stderr: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self))
    }

    /// The first executable of these names found in the usual places or on PATH; nil when missing.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = ["/usr/bin", "/usr/local/bin", "/bin"] + path.split(separator: ":").map(String.init)
        for folder in folders {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// python3, preferring the system one (a pyenv shim costs 100 ms per start).
    static let python = find("python3")
    /// curl, when installed.
    static let curl = find("curl")
}
