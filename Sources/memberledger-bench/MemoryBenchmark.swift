import Foundation
import MemberLedgerCore

/// The resident set size of this process now, in bytes.
func currentRSS() -> Int { processSize("VmRSS") }

/// Run in a fresh process: prints the RSS growth per member of a state of `members` members.
func memoryProbe(members: Int) {
    let before = currentRSS()
    let state = stateOfMembers(members)
    let after = currentRSS()
    say(String(format: "%.0f", Double(after - before) / Double(members)))
    withExtendedLifetime(state) {}
}

/// Scenario 5: bytes of RSS per member at 100k and 1M members, each in a process of its own.
func memoryBenchmark() {
    say("== memory ==")
    for members in [100_000, 1_000_000] {
        let result = shell("'\(CommandLine.arguments[0])' memory-probe \(members)")
        guard let perMember = Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            say("RSS per member at \(members): could not measure (\(result.output))")
            continue
        }
        report(
            "RSS per member at \(members) members", perMember, "bytes", versus: "the 500-byte target / this",
            ratio: 500 / perMember)
    }
}
