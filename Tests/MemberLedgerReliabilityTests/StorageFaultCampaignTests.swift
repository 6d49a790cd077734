import MemberLedgerCampaigns
import MemberLedgerTesting
import Testing

@Suite("Storage fault campaign (fast)")
struct StorageFaultCampaignTests {
    @Test(
        "300 seeded runs: every fault stops the writer, the crash is a torn tail at worst, nothing acknowledged is lost"
    )
    func seededRuns() {
        let scratch = TemporaryFolder("memberledger-faults")
        let report = StorageFaultCampaign(scratch: scratch.path).run(seeds: 1...300)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["runs"] == 300)
        #expect(report["acknowledged events lost"] == 0)
        // Every kind of fault was injected, and power losses really dropped unsynced bytes.
        for fault in SimulatedDisk.Fault.allCases { #expect(report[fault.rawValue] > 0, "\(fault.rawValue)") }
        #expect(report["unsynced bytes lost"] > 0)
        #expect(report["torn tails classified"] > 0)
    }
}
