import Foundation
import MemberLedgerCore

/// A fixture scenario on disk: `NAME.jsonl` (one event a line), `NAME.digest` (the expected state digest)
/// and `NAME.transcript.txt` (what every event did).
public struct ScenarioFile: Sendable {
    /// Why a scenario file could not be read.
    public enum LoadError: Error, CustomStringConvertible {
        /// The file could not be read.
        case unreadable(path: String, reason: String)
        /// A line is not an event.
        case badLine(path: String, line: Int, EventDecodingError)
        /// Sequence numbers must run 1, 2, 3, ... with no gap.
        case seqGap(path: String, line: Int, expected: Int64, found: Int64)
        /// Recorded time must not go back.
        case timeWentBack(path: String, line: Int)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
            case .badLine(let path, let line, let error): "\(path):\(line): \(error)"
            case .seqGap(let path, let line, let expected, let found):
                "\(path):\(line): seq \(found), expected \(expected)"
            case .timeWentBack(let path, let line): "\(path):\(line): recorded time goes back"
            }
        }
    }

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
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LoadError.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        var events: [Event] = []
        for (index, line) in [UInt8](data).split(separator: UInt8(ascii: "\n")).enumerated() {
            let event: Event
            do {
                event = try Event(jsonText: line)
            } catch {
                throw LoadError.badLine(path: url.path, line: index + 1, error)
            }
            let expected = Int64(events.count + 1)
            guard event.seq == expected else {
                throw LoadError.seqGap(path: url.path, line: index + 1, expected: expected, found: event.seq)
            }
            if let previous = events.last, event.recordedAt < previous.recordedAt {
                throw LoadError.timeWentBack(path: url.path, line: index + 1)
            }
            events.append(event)
        }
        self.events = events
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
