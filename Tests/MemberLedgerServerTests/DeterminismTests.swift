import Foundation
import MemberLedgerTesting
import Testing

/// Every process starts with a fresh hash seed, so any Dictionary or Set order that leaks into the state
/// or its encoding would show as digests that differ between processes.
@Suite("Determinism across processes")
struct DeterminismTests {
    @Test("20 separate processes replay every fixture to byte-identical digests")
    func twentyProcesses() throws {
        let executable = try #require(BuiltProduct.path("memberledger"))
        for scenario in try ScenarioFile.all(in: ScenarioFile.fixturesFolder()) {
            let expected = try String(contentsOf: scenario.digestURL, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            var digests = Set<String>()
            for _ in 0..<20 {
                let text = try ChildProcess.run(executable, ["replay", scenario.url.path]).text
                digests.insert(String(text.split(separator: "\n").last?.split(separator: " ").last ?? ""))
            }
            #expect(digests == [expected], "\(scenario.name)")
        }
    }
}
