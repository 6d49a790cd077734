import MemberLedgerCampaigns
import MemberLedgerTesting
import Testing

@Suite("Fuzzing (fast)")
struct FuzzingTests {
    @Test("20,000 mutated fixture requests through the HTTP parser and the webhook decoder")
    func parsers() throws {
        let fixtures = try HTTPFixture.all().map(\.wireBytes)
        let report = ParserFuzzCampaign(fixtures: fixtures).run(inputs: 20_000, seed: 1)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["inputs tried"] == 20_000)
        // The mutations reach every layer: refusals at both parsers, and commands decoded.
        #expect(report["refused by the HTTP parser"] > 0)
        #expect(report["refused by the webhook decoder"] > 0)
        #expect(report["decoded into commands"] > 0)
    }

    @Test("1,000 mutated requests against the real server: it stays up and keeps serving valid ones")
    func server() throws {
        let webhooks = try HTTPFixture.all()
        let valid = try #require(webhooks.first { $0.name == "activecampaign-genpass" })
        let temp = TemporaryFolder("memberledger-fuzz")
        let report = ServerFuzzCampaign(
            fixtures: webhooks.map(\.wireBytes), valid: valid.wireBytes, data: temp.appending("data"),
            logPath: temp.appending("server.log")
        ).run(inputs: 1_000, seed: 2)
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(report["server crashes"] == 0)
        #expect(report["valid requests served 200"] == 10)
    }
}
