import Dispatch
import MemberLedgerCore

/// The handshake compare measured, not timed in a test: the median time of `ConstantTime.equals` for a
/// wrong handshake differing at its first byte, at its last byte, and for the right one. A compare
/// with an early exit would show the first-byte case far faster; the figures are reported in
/// nanoseconds ×100 (so two decimals survive the integer report) with their ratio.
public struct HandshakeTimingCampaign: Sendable {
    /// A measurement of `samples` batches of 10,000 compares each.
    public init() {}

    /// Runs the measurement.
    public func run(samples: Int = 201) -> CampaignReport {
        var report = CampaignReport(name: "handshake compare timing")
        let secret = Array("H4ndSh4k3H4ndSh4k3H4ndSh4k3H4ndS".utf8)
        var firstWrong = secret
        firstWrong[0] ^= 1
        var lastWrong = secret
        lastWrong[secret.count - 1] ^= 1
        let cases = [("first byte wrong", firstWrong), ("last byte wrong", lastWrong), ("right", secret)]
        var medians: [Int] = []
        for (name, candidate) in cases {
            var times: [UInt64] = []
            var matches = 0
            for _ in 0..<samples {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<10_000 where Self.compare(candidate, secret) { matches += 1 }
                times.append(DispatchTime.now().uptimeNanoseconds - start)
            }
            let median = Int(times.sorted()[samples / 2] / 100)  // ns per compare × 100
            medians.append(median)
            report.count("\(name), ns×100 per compare", median)
            report.count("compares matched (\(name))", matches)
        }
        // first-byte vs last-byte, ×100: 100 means equal time.
        report.count("ratio first/last ×100", medians[1] == 0 ? 0 : medians[0] * 100 / medians[1])
        return report
    }

    /// Counts its calls: a side effect, so the optimizer can neither hoist a compare of unchanging inputs out
    /// of the loop nor drop it.
    nonisolated(unsafe) static var calls = 0

    @inline(never)
    static func compare(_ candidate: [UInt8], _ secret: [UInt8]) -> Bool {
        calls &+= 1
        return ConstantTime.equals(candidate, secret)
    }
}
