import Foundation
import MemberLedgerSystem

/// A command running beside the bench (`/bin/sh -c`), with a pipe to its standard input and one from its
/// standard output: for clients that must run in a process of their own (their memory and threads are
/// not the server's) and that the bench talks to while they run.
final class ChildProcess {
    let pid: pid_t
    /// Our end of the child's standard input; -1 once closed.
    private var input: Int32
    /// Our end of the child's standard output.
    private let output: Int32
    private var pending: [UInt8] = []
    private var exited = false

    /// Starts `command`; its standard error goes to `errors` (a file path). Nil when it cannot start.
    init?(_ command: String, errors: String) {
        guard let toChild = try? ProcessSpawn.pipe() else { return nil }
        guard let fromChild = try? ProcessSpawn.pipe() else {
            close(toChild.read)
            close(toChild.write)
            return nil
        }
        let started = try? ProcessSpawn.start(
            "/bin/sh", ["-c", command], environment: ProcessInfo.processInfo.environment,
            descriptors: [
                .inherited(toChild.read), .inherited(fromChild.write),
                .file(errors, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644),
            ])
        // The child's ends are its own now; ours are close-on-exec, so no other child holds them open.
        close(toChild.read)
        close(fromChild.write)
        guard let started else {
            close(toChild.write)
            close(fromChild.read)
            return nil
        }
        pid = started
        input = toChild.write
        output = fromChild.read
    }

    /// The next line the child prints, waiting at most `timeout` seconds; nil at end of file or timeout.
    func readLine(timeout: Double) -> String? {
        let deadline = now() + timeout
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline - now()
            guard left > 0 else { return nil }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = Syscall.run { poll(&descriptor, 1, Int32(min(left, 3600) * 1000) + 1) }
            guard case .success(let readyCount) = ready, readyCount > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let pipe = FileDescriptor(adopting: output, path: "the client's output")
            let count =
                (try? chunk.withUnsafeMutableBytes { raw throws(SystemError) in try pipe.readSome(into: raw) }) ?? 0
            guard count > 0 else {
                // End of file: whatever is left is the last line.
                guard !pending.isEmpty else { return nil }
                let line = String(decoding: pending, as: UTF8.self)
                pending.removeAll()
                return line
            }
            pending += chunk[..<count]
        }
    }

    /// Closes the child's standard input (the idle client's signal to let go).
    func closeInput() {
        guard input >= 0 else { return }
        close(input)
        input = -1
    }

    /// Closes its input, reads the rest of what it prints (at most `timeout` seconds, then it is
    /// killed), waits for it to exit, and returns the lines.
    func finish(timeout: Double) -> [String] {
        closeInput()
        var lines: [String] = []
        let deadline = now() + timeout
        while let line = readLine(timeout: max(0, deadline - now())) { lines.append(line) }
        if now() >= deadline { kill(pid, SIGKILL) }
        reap()
        return lines
    }

    private func reap() {
        guard !exited else { return }
        exited = true
        _ = ProcessSpawn.wait(pid)
        close(output)
    }

    deinit {
        closeInput()
        if !exited {
            kill(pid, SIGKILL)
            reap()
        }
    }
}
