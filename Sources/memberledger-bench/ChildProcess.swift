import Foundation

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
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { return nil }
        guard pipe(&fromChild) == 0 else {
            toChild.forEach { close($0) }
            return nil
        }
        // Our ends must not leak into the child (it would never see end of file on its input).
        for end in [toChild[1], fromChild[0]] { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, toChild[0])
        posix_spawn_file_actions_addclose(&actions, fromChild[1])
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/bin/sh", &actions, nil, argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1])
            close(fromChild[0])
            return nil
        }
        pid = child
        input = toChild[1]
        output = fromChild[0]
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
            let ready = poll(&descriptor, 1, Int32(min(left, 3600) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(output, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
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
