import Foundation
import MemberLedgerSystem

/// What a shell command did.
struct ShellResult {
    var status: Int32
    var output: String
    var seconds: Double
}

/// Runs `/bin/sh -c command` (as `user` through runuser when given), capturing stdout, timing it.
///
/// `ProcessSpawn` rather than Foundation's Process: a command that starts a daemon (pg_ctl, nginx) leaves
/// descendants behind, and Process.waitUntilExit was seen to hang on them.
@discardableResult
func shell(_ command: String, as user: String? = nil) -> ShellResult {
    let outputPath = "/tmp/memberledger-bench-shell-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    defer { unlink(outputPath) }
    let inner =
        user.map { "runuser -u \($0) -- sh -c '\(command.replacingOccurrences(of: "'", with: "'\\''"))'" } ?? command
    let script = "(\(inner)) > \(outputPath) 2> /dev/null < /dev/null"
    let started = now()
    guard
        let pid = try? ProcessSpawn.start(
            "/bin/sh", ["-c", script], environment: ProcessInfo.processInfo.environment)
    else {
        return ShellResult(status: -1, output: "", seconds: 0)
    }
    let exit = ProcessSpawn.wait(pid)
    let seconds = now() - started
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return ShellResult(status: exit.status, output: output, seconds: seconds)
}

/// Whether a tool is on the PATH.
func installed(_ tool: String) -> Bool {
    shell("command -v \(tool)").status == 0
}

/// The line printed for a peer that is not installed: never a faked figure.
func skipped(_ what: String, needs tool: String) {
    say("\(what): skipped, \(tool) is not installed (apt-get install nginx wrk postgresql sqlite3)")
}

/// A PostgreSQL cluster of its own in a temporary folder, on a Unix socket there, run as `postgres`.
final class ScratchPostgres {
    let folder: String
    let port = 55432

    init?() {
        guard installed("initdb") || FileManager.default.fileExists(atPath: "/usr/local/bin/initdb"),
            installed("pg_ctl"),
            shell("id postgres").status == 0
        else { return nil }
        folder = "/tmp/memberledger-bench-pg-\(getpid())"
        shell("rm -rf \(folder) && mkdir -p \(folder) && chown postgres \(folder)")
        guard shell("initdb -D \(folder)/data -A trust -U postgres > /dev/null", as: "postgres").status == 0,
            shell(
                "pg_ctl -D \(folder)/data -l \(folder)/log -w -o \"-p \(port) -k \(folder) -c listen_addresses= -c max_connections=300\" start > /dev/null",
                as: "postgres"
            ).status == 0
        else { return nil }
    }

    /// Runs psql with a command, returning its result.
    @discardableResult
    func psql(_ command: String) -> ShellResult {
        shell("psql -h \(folder) -p \(port) -U postgres -q -X -v ON_ERROR_STOP=1 -c \"\(command)\" postgres")
    }

    var connection: String { "-h \(folder) -p \(port) -U postgres" }

    deinit {
        shell("pg_ctl -D \(folder)/data -m immediate stop > /dev/null", as: "postgres")
        shell("rm -rf \(folder)")
    }
}

/// Prints a line at once, even to a pipe (a killed run keeps what it printed).
func say(_ line: String) {
    Array((line + "\n").utf8).withUnsafeBytes { buffer in _ = write(1, buffer.baseAddress, buffer.count) }
}
