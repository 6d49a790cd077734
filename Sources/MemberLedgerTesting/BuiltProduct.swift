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

    /// Runs a built executable in a folder, with extra environment variables, and waits for it. Stderr
    /// goes through a file, so a chatty child never blocks on a pipe nobody reads yet.
    public static func run(
        _ name: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) throws -> Run {
        guard let executable = path(name) else { throw CocoaError(.executableNotLoadable) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorPath) }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorPath)
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = (try? Data(contentsOf: errorPath)) ?? Data()
        return Run(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            error: String(decoding: err, as: UTF8.self))
    }
}
