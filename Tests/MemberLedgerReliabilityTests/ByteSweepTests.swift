import Foundation
import MemberLedgerCampaigns
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

@Suite("Byte sweeps (fast)")
struct ByteSweepTests {
    static let fixtures = ScenarioFile.fixturesFolder().deletingLastPathComponent()

    @Test("the fixture journal: every truncation and every bit flip classified as the journal format says")
    func fixtureJournal() throws {
        var report = CampaignReport(name: "sweep")
        let bytes = try FileSystem.readFile(Self.fixtures.appendingPathComponent("journals/three-records.jsonl").path)
        ByteSweepCampaign().sweepJournal(bytes, report: &report)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["journal truncations"] == bytes.count + 1)
        #expect(report["journal bit flips"] == bytes.count * 8)
        // A flipped bit never leaves a NUL in this journal's text: every flip is corruption (a cut, torn).
        #expect(report["classified corrupt"] == bytes.count * 8)
    }

    @Test("a scenario's snapshot, truncated anywhere or with a bit flipped: replay never gives a wrong state")
    func snapshot() throws {
        let temp = TemporaryFolder("memberledger-sweep")
        let scenario = try ScenarioFile(url: ScenarioFile.fixturesFolder().appendingPathComponent("teams.jsonl"))
        let folder = try ByteSweepCampaign.folder(with: scenario.events, at: temp.appending("data"))
        var report = CampaignReport(name: "sweep")
        // Every 31st byte is cut and has each of its bits flipped (the long run does every byte).
        try ByteSweepCampaign().sweepSnapshot(in: folder, stride: 31, report: &report)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["snapshot truncations"] > 50)
        #expect(report["fell back to the journal"] == report["snapshot truncations"] + report["snapshot bit flips"])
    }
}

@Suite("Recovery from byte damage (fast)")
struct RecoveryCampaignTests {
    @Test("200 seeded damages: a replica restores every byte; --salvage keeps every untouched record")
    func recovery() throws {
        let temp = TemporaryFolder("memberledger-recovery-campaign")
        let scenario = try ScenarioFile(url: ScenarioFile.fixturesFolder().appendingPathComponent("teams.jsonl"))
        let folder = try ByteSweepCampaign.folder(with: scenario.events, at: temp.appending("source"))
        let report = RecoveryCampaign(scratch: temp.appending("seeds")).run(source: folder, seeds: 0..<200)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["restored byte for byte from a replica"] == report["damaged journals"])
        #expect(report["damaged journals"] > 190)
        #expect(report["intact records after damage kept"] > 0)
        #expect(report["records marked lost"] > 0)
    }
}
