import Foundation
import MemberLedgerCore

/// A fixture scenario on disk: `NAME.jsonl` (one event a line), `NAME.digest` (the expected state digest)
/// and `NAME.transcript.txt` (what every event did).
public struct ScenarioFile: Sendable {
    /// The `.jsonl` file.
    public var url: URL
    /// The events, in order.
    public var events: [Event]

    /// The scenario's name: the file name without `.jsonl`.
    public var name: String { url.deletingPathExtension().lastPathComponent }
    /// Where the expected digest lives.
    public var digestURL: URL { url.deletingPathExtension().appendingPathExtension("digest") }
    /// Where the expected transcript lives.
    public var transcriptURL: URL { url.deletingPathExtension().appendingPathExtension("transcript.txt") }

    /// Reads and checks a scenario file: every line an event, seq gapless from 1, time never going back.
    public init(url: URL) throws {
        self.url = url
        events = try EventLines.decode([UInt8](Data(contentsOf: url)))
    }

    /// Every `.jsonl` scenario in a folder, by name.
    public static func all(in folder: URL) throws -> [ScenarioFile] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jsonl" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(ScenarioFile.init(url:))
    }

    /// Replays the scenario from an empty ledger.
    public func replay() -> (state: LedgerState, outcomes: [Outcome]) {
        LedgerState().replaying(events)
    }

    /// The repository's `Fixtures/scenarios` folder, found from a source file's path inside the package.
    public static func fixturesFolder(from filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Fixtures/scenarios")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        preconditionFailure("no Fixtures/scenarios above \(filePath)")
    }
}
