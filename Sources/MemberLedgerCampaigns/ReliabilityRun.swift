import Foundation
import MemberLedgerJournal
import MemberLedgerTesting

/// Every campaign in turn, at one of two sizes: `quick` (a minute or so, for a look) and `long` (the
/// figures of `Docs/reliability.md`). `memberledger-torture campaign` runs it.
public struct ReliabilityRun: Sendable {
    /// How much each campaign does.
    public struct Scale: Sendable {
        /// Server SIGKILL rounds.
        public var crashRounds: Int
        /// Killed `snapshot` runs, and as many killed `repair --force` runs.
        public var maintenanceRounds: Int
        /// Seeded storage-fault runs.
        public var faultSeeds: Int
        /// Bytes between the ones a sweep damages in scenario journals and snapshots (1: every byte).
        public var sweepStride: Int
        /// Mutated requests through the parsers in process.
        public var parserInputs: Int
        /// Mutated requests sent to the real server.
        public var serverInputs: Int
        /// Seeded byte damages repaired with and without a replica.
        public var recoverySeeds: Int = 200
        /// SIGKILLs of a primary or its follower under load.
        public var followerKills: Int = 6

        /// A look: every campaign, a little.
        public static let quick = Scale(
            crashRounds: 3, maintenanceRounds: 2, faultSeeds: 300, sweepStride: 13, parserInputs: 20_000,
            serverInputs: 2_000)
        /// The documented figures.
        public static let long = Scale(
            crashRounds: 100, maintenanceRounds: 20, faultSeeds: 5_000, sweepStride: 1, parserInputs: 1_000_000,
            serverInputs: 50_000, recoverySeeds: 1_000, followerKills: 100)
    }

    /// The size of this run.
    public let scale: Scale
    /// The first seed; each campaign derives its own from it.
    public let seed: UInt64
    /// Where everything is written (removed afterwards by the caller).
    public let scratch: String

    /// A run at `scale` from `seed` in `scratch`.
    public init(scale: Scale, seed: UInt64, scratch: String) {
        self.scale = scale
        self.seed = seed
        self.scratch = scratch
    }

    /// Runs the campaigns, handing each report to `done` as it finishes.
    public func run(_ done: (CampaignReport) -> Void) throws {
        let crashData = "\(scratch)/crash-loop"
        done(
            CrashLoopCampaign(data: crashData, logPath: "\(scratch)/crash-loop.log").run(
                rounds: scale.crashRounds, seed: seed))
        done(
            MaintenanceKillCampaign(source: crashData, scratch: "\(scratch)/maintenance").run(
                rounds: scale.maintenanceRounds, seed: seed &+ 1))
        try FileManager.default.createDirectory(atPath: "\(scratch)/faults", withIntermediateDirectories: true)
        done(
            StorageFaultCampaign(scratch: "\(scratch)/faults").run(
                seeds: (seed &+ 2)..<(seed &+ 2 &+ UInt64(scale.faultSeeds))))

        var sweep = CampaignReport(name: "byte sweeps")
        let sweeper = ByteSweepCampaign()
        let fixtures = ScenarioFile.fixturesFolder().deletingLastPathComponent()
        sweeper.sweepJournal(
            try FileSystem.readFile(fixtures.appendingPathComponent("journals/three-records.jsonl").path),
            report: &sweep)
        for scenario in try ScenarioFile.all(in: ScenarioFile.fixturesFolder()) {
            let folder = try ByteSweepCampaign.folder(with: scenario.events, at: "\(scratch)/sweep-\(scenario.name)")
            sweeper.sweepJournal(try FileSystem.readFile(folder.journal), stride: scale.sweepStride, report: &sweep)
            try sweeper.sweepSnapshot(in: folder, stride: scale.sweepStride, report: &sweep)
        }
        done(sweep)

        done(
            RecoveryCampaign(scratch: "\(scratch)/recovery").run(
                source: DataFolder(path: crashData), seeds: (seed &+ 5)..<(seed &+ 5 &+ UInt64(scale.recoverySeeds))))
        try FileManager.default.createDirectory(atPath: "\(scratch)/follower", withIntermediateDirectories: true)
        done(FollowerKillCampaign(scratch: "\(scratch)/follower").run(rounds: scale.followerKills, seed: seed &+ 6))

        done(HandshakeTimingCampaign().run())

        let webhooks = try HTTPFixture.all()
        done(ParserFuzzCampaign(fixtures: webhooks.map(\.wireBytes)).run(inputs: scale.parserInputs, seed: seed &+ 3))
        done(try Self.serverFuzz(inputs: scale.serverInputs, seed: seed &+ 4, scratch: scratch))
    }

    /// Mutated fixture requests sent to the built server over loopback (also run alone, at any size, by
    /// `memberledger-torture fuzz-server`).
    public static func serverFuzz(inputs: Int, seed: UInt64, scratch: String) throws -> CampaignReport {
        let webhooks = try HTTPFixture.all()
        guard let valid = webhooks.first(where: { $0.name == "activecampaign-genpass" }) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return ServerFuzzCampaign(
            fixtures: webhooks.map(\.wireBytes), valid: valid.wireBytes, data: "\(scratch)/fuzz-server",
            logPath: "\(scratch)/fuzz-server.log"
        ).run(inputs: inputs, seed: seed)
    }
}
