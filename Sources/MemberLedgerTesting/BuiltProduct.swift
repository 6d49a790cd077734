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
}
