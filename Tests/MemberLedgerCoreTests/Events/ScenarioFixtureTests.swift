import Foundation
import MemberLedgerCore
import MemberLedgerTesting
import Testing

/// Replays every committed scenario and compares the state digest and the transcript with the committed
/// ones. Every CI run is a fresh process with a fresh hash seed, so any order leaking from a Dictionary or
/// Set into state or output fails here. Set MEMBERLEDGER_RECORD_FIXTURES=1 to rewrite the expectations
/// after a deliberate rule change (and review the diff).
@Suite("Fixture scenarios")
struct ScenarioFixtureTests {
    static let scenarios: [ScenarioFile] = {
        do {
            return try ScenarioFile.all(in: ScenarioFile.fixturesFolder())
        } catch {
            preconditionFailure("fixtures do not load: \(error)")
        }
    }()
    static let recording = ProcessInfo.processInfo.environment["MEMBERLEDGER_RECORD_FIXTURES"] == "1"

    @Test("there is a scenario for every area")
    func coverage() {
        #expect(Self.scenarios.count >= 10)
        let names = Set(Self.scenarios.map(\.name))
        for area in [
            "members", "custom-operations", "teams", "coupons", "subscription-cancel", "subscription-revoke",
            "subscription-pause", "subscription-payments", "duplicates", "batchsync",
        ] {
            #expect(names.contains(area), "missing scenario \(area)")
        }
    }

    @Test("replay gives the committed digest and transcript", arguments: scenarios)
    func replay(scenario: ScenarioFile) throws {
        let (state, outcomes) = scenario.replay()
        let transcript = Transcript.render(events: scenario.events, outcomes: outcomes, finalState: state)
        if Self.recording {
            try (state.digest + "\n").write(to: scenario.digestURL, atomically: true, encoding: .utf8)
            try transcript.write(to: scenario.transcriptURL, atomically: true, encoding: .utf8)
        }
        let digest = try String(contentsOf: scenario.digestURL, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(state.digest == digest)
        #expect(transcript == (try String(contentsOf: scenario.transcriptURL, encoding: .utf8)))
    }

    @Test(
        "replaying twice in one process gives the same digest; so does replay from a rebuilt state",
        arguments: scenarios)
    func deterministic(scenario: ScenarioFile) {
        let first = scenario.replay().state
        #expect(scenario.replay().state.digest == first.digest)
        let cut = scenario.events.count / 2
        var resumed = LedgerState().replaying(scenario.events.prefix(cut)).state
        resumed.rebuildDerivedTables()
        #expect(resumed.replaying(scenario.events.dropFirst(cut)).state.digest == first.digest)
    }

    @Test("every event encodes back to JSON that decodes to the same event", arguments: scenarios)
    func encoding(scenario: ScenarioFile) throws {
        for event in scenario.events {
            #expect(try Event(jsonText: Array(event.jsonLine.utf8)) == event)
        }
    }

    @Test("command fingerprints in the fixtures are what Fingerprint.of(command:) computes", arguments: scenarios)
    func fingerprints(scenario: ScenarioFile) {
        for event in scenario.events {
            guard case .webhookReceived(let webhook) = event.payload, let fingerprint = event.fingerprint,
                fingerprint.hasPrefix("cmd:")
            else { continue }
            #expect(fingerprint == Fingerprint.of(command: webhook.command), "seq \(event.seq) of \(scenario.name)")
        }
    }
}

extension ScenarioFile: CustomTestStringConvertible {
    public var testDescription: String { name }
}
