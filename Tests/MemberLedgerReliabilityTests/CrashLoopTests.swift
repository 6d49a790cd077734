import MemberLedgerCampaigns
import MemberLedgerTesting
import Testing

@Suite("Crash loops (fast)")
struct CrashLoopTests {
    @Test("the server SIGKILLed under 64 clients, twice; then snapshot and repair killed mid-work")
    func crashLoop() throws {
        let temp = TemporaryFolder("memberledger-crash")
        let data = temp.appending("data")
        let crashes = CrashLoopCampaign(data: data, logPath: temp.appending("server.log")).run(rounds: 2, seed: 3)
        #expect(crashes.failures.isEmpty, "\(crashes.failures)")
        #expect(crashes["rounds"] == 2)
        #expect(crashes["acknowledged events"] > 0)
        #expect(crashes["acknowledged events lost"] == 0)

        let kills = MaintenanceKillCampaign(source: data, scratch: temp.appending("maintenance")).run(
            rounds: 1, seed: 4)
        #expect(kills.failures.isEmpty, "\(kills.failures)")
        #expect(kills["snapshot rounds"] == 1)
        #expect(kills["repair rounds"] == 1)
    }
}

@Suite("Primary and follower killed (fast)")
struct FollowerKillTests {
    @Test("6 kills of the primary or the follower under load: the replica stays a prefix, then catches up")
    func followerKills() throws {
        let temp = TemporaryFolder("memberledger-follower-kill")
        let report = FollowerKillCampaign(scratch: temp.path).run(rounds: 6, seed: 11)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report["prefix checks"] == 6)
        #expect(report["records in the caught-up replica"] > 0)
    }
}
