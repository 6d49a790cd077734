import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released, so a test
/// that touches files leaves nothing behind even when it fails.
public final class TemporaryFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates an empty folder named after `prefix` and a random suffix.
    public init(_ prefix: String = "memberledger") {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// A path inside the folder.
    public func appending(_ component: String) -> String { "\(path)/\(component)" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
