import Foundation
import MemberLedgerSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn`, for tests and benchmarks that drive real programs
/// (python clients, the built `memberledger`, curl).
///
/// Not Foundation's `Process`: on Linux it was seen to stall launches for tens of seconds while other
/// threads of the test run waited on their own children, and its `waitUntilExit` to hang on daemons.
/// Here the child gets a clean signal mask and default handlers (a test thread may block SIGTERM), only
/// the descriptors it is given (everything else is close-on-exec or closed), and waiting is a plain
/// `waitpid` on whichever thread asks, never on the cooperative pool unless the caller chooses to.
public final class ChildProcess: Sendable {
    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A file, created or truncated (0600).
        case file(String)
        /// A pipe whose reading end the parent keeps, for stdout only (read it with `readOutput`).
        case pipe
    }

    /// How a child ended: its exit status, or 128 + the signal that ended it.
    public typealias Exit = ProcessSpawn.Exit

    /// A failure to start the child, with what was being started.
    public struct LaunchError: Error, CustomStringConvertible {
        /// The executable.
        public var executable: String
        /// The errno posix_spawn (or pipe/open) returned.
        public var code: Int32
        /// What went wrong, for a test failure message.
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// The child's process id.
    public let pid: pid_t
    /// The reading end of the child's stdout when it was `.pipe`, else nil; closed when this is released.
    private let outputPipe: Int32?
    /// nil while running; the exit once reaped. The lock also keeps a signal from reaching a pid that
    /// has been reaped (and may be reused).
    private let state = Mutex<Exit?>(nil)

    /// Starts `executable` with `arguments`; `environment` replaces the parent's when given; `inherited`
    /// descriptors of the parent become the child's 3, 4, … (Chromium's DevTools pipe).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        input: Stream = .null, output: Stream = .null, error: Stream = .null, inherited: [Int32] = []
    ) throws(LaunchError) {
        var pipeEnds: (read: Int32, write: Int32)?
        var descriptors: [ProcessSpawn.Descriptor] = []
        for (stream, target) in [(input, Int32(0)), (output, 1), (error, 2)] {
            switch stream {
            case .null:
                descriptors.append(.null)
            case .file(let path):
                descriptors.append(.file(path, flags: target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC))
            case .pipe:
                precondition(target == 1, "only stdout can be a pipe (read with readOutput)")
                do throws(SystemError) {
                    pipeEnds = try ProcessSpawn.pipe()
                } catch {
                    throw LaunchError(executable: executable, code: error.code)
                }
                descriptors.append(.inherited(pipeEnds!.write))
            }
        }
        descriptors += inherited.map { .inherited($0) }
        defer { if let pipeEnds { close(pipeEnds.write) } }
        do throws(SystemError) {
            pid = try ProcessSpawn.start(
                executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                directory: directory, descriptors: descriptors)
        } catch {
            if let pipeEnds { close(pipeEnds.read) }
            throw LaunchError(executable: executable, code: error.code)
        }
        outputPipe = pipeEnds?.read
    }

    /// Waits for the child to end (blocking this thread) and returns how it ended; later calls return
    /// the same at once.
    @discardableResult
    public func wait() -> Exit {
        if let exit = state.withLock({ $0 }) { return exit }
        var info = siginfo_t()
        // WNOWAIT: learn that it ended without reaping it yet, so `signal` never hits a reused pid.
        _ = Syscall.run { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) }
        return state.withLock { exit in
            if let exit { return exit }
            let ended = ProcessSpawn.wait(pid)
            exit = ended
            return ended
        }
    }

    /// Sends `signal` unless the child has already been reaped.
    public func send(_ signal: Int32) {
        state.withLock { exit in
            if exit == nil { _ = kill(pid, signal) }
        }
    }

    /// SIGKILL after `seconds` unless it has ended by then: a guard against a child that hangs.
    public func killAfter(_ seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in send(SIGKILL) }
    }

    /// One read from the child's stdout pipe: what arrived, or nothing at its end (or without a pipe).
    public func readOutput() -> [UInt8] {
        guard let outputPipe else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let pipe = FileDescriptor(adopting: outputPipe, path: "the child's output")
        let count =
            (try? buffer.withUnsafeMutableBytes { raw throws(SystemError) in try pipe.readSome(into: raw) }) ?? 0
        return Array(buffer[0..<count])
    }

    /// Reads stdout to its end.
    public func readAllOutput() -> [UInt8] {
        var bytes: [UInt8] = []
        while case let chunk = readOutput(), !chunk.isEmpty { bytes += chunk }
        return bytes
    }

    /// Reads stdout until `needle` appears in what was read (or the output ends); returns all of it.
    public func readOutput(until needle: String, after earlier: String = "") -> String {
        var text = earlier
        while !text.contains(needle) {
            let chunk = readOutput()
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return text
    }

    /// Hands each whole line of stdout to `body` as it arrives, until `body` returns false or the output
    /// ends.
    public func forEachOutputLine(_ body: (String) -> Bool) {
        var buffer: [UInt8] = []
        while case let chunk = readOutput(), !chunk.isEmpty {
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if !body(line) { return }
            }
        }
    }

    deinit {
        if let outputPipe { close(outputPipe) }
    }

    /// Whether it is still running (not yet reaped).
    public var isRunning: Bool { state.withLock { $0 == nil } }
}

extension ChildProcess {
    /// What a finished run printed and how it ended.
    public struct Output: Sendable {
        /// How it ended.
        public var exit: Exit
        /// Everything on stdout.
        public var stdout: Data
        /// Everything on stderr.
        public var stderr: String

        /// The exit status (128 + signal when killed).
        public var status: Int32 { exit.status }
        /// Stdout as text.
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// A child started with its stdin from bytes and its stdout/stderr captured through files (a chatty
    /// child never blocks on a pipe nobody reads), to be finished later.
    public final class Run: Sendable {
        /// The running child.
        public let child: ChildProcess
        private let folder: TemporaryFolder

        /// Starts it now, on the calling thread, and SIGKILLs it after `timeout` seconds unless it ended.
        public init(
            _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
            directory: String? = nil, timeout: Double = 120
        ) throws {
            folder = TemporaryFolder("memberledger-child")
            let inputPath = folder.appending("stdin")
            try Data(input).write(to: URL(fileURLWithPath: inputPath))
            child = try ChildProcess(
                executable, arguments, environment: environment, directory: directory, input: .file(inputPath),
                output: .file(folder.appending("stdout")), error: .file(folder.appending("stderr")))
            child.killAfter(timeout)
        }

        /// Waits for the end (blocking this thread) and collects what it printed.
        public func finish() -> Output {
            let exit = child.wait()
            let stdout = (try? Data(contentsOf: URL(fileURLWithPath: folder.appending("stdout")))) ?? Data()
            let stderr = (try? Data(contentsOf: URL(fileURLWithPath: folder.appending("stderr")))) ?? Data()
            return Output(exit: exit, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
        }

        /// `finish` on a thread of its own: an async test never holds one of the cooperative pool's few
        /// threads (as many as cores) while a child runs.
        public func finished() async -> Output {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: self.finish()) }
            }
        }
    }

    /// Runs `executable` to its end (see `Run`). Blocks this thread.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Double = 120
    ) throws -> Output {
        try Run(
            executable, arguments, input: input, environment: environment, directory: directory, timeout: timeout
        ).finish()
    }

    /// Runs `executable` to its end (see `Run`), waiting on a thread of its own.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
        directory: String? = nil, timeout: Double = 120
    ) async throws -> Output {
        try await Run(
            executable, arguments, input: input, environment: environment, directory: directory, timeout: timeout
        ).finished()
    }

    /// The first executable of this name in the usual places or on PATH; nil when missing.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = ["/usr/bin", "/usr/local/bin", "/bin"] + path.split(separator: ":").map(String.init)
        for folder in folders {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// python3, preferring the system one (a pyenv shim costs 100 ms per start).
    public static let python = find("python3")
}
