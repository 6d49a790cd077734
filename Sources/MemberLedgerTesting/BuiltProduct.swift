import Foundation

/// Finds an executable built by the same `swift build` as the running tests: it sits beside the test
/// bundle (on Linux) or a few folders above it (inside an `.xctest` bundle on macOS).
public enum BuiltProduct {
    /// The path of a built executable, or nil when it was not built.
    public static func path(_ name: String) -> String? {
        var directory = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// What a run of a built executable printed and how it exited.
    public struct Run: Sendable {
        /// The exit status.
        public var status: Int32
        /// Everything on stdout.
        public var output: String
        /// Everything on stderr.
        public var error: String
    }

    /// Runs a built executable in a folder, with extra environment variables, and waits for it (at most
    /// `timeout` seconds, then SIGKILL).
    public static func run(
        _ name: String, _ arguments: [String], in directory: String, environment: [String: String] = [:],
        input: [UInt8] = [], timeout: Double = 300
    ) throws -> Run {
        guard let executable = path(name) else { throw ChildProcess.LaunchError(executable: name, code: ENOENT) }
        let output = try ChildProcess.run(
            executable, arguments, input: input,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            directory: directory, timeout: timeout)
        return Run(status: output.status, output: output.text, error: output.stderr)
    }
}
