import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// Golden tests of the built `memberledger`: each case runs one command line in a folder whose
/// `ledger-data` holds a fixture scenario's journal (fixed journal id, so hashes are stable), and compares
/// exit code, stdout and stderr with `Fixtures/cli/NAME.txt`. MEMBERLEDGER_RECORD_FIXTURES=1 rewrites them.
@Suite("memberledger command line (golden)")
struct CommandLineGoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let scenario: String?
        let arguments: [String]
        var damage: Bool = false
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "help", scenario: nil, arguments: ["help"]),
        Case(name: "help-log", scenario: nil, arguments: ["log", "--help"]),
        Case(name: "log", scenario: "subscription-cancel", arguments: ["log"]),
        Case(name: "log-filtered-json", scenario: "members", arguments: ["log", "--contact", "4821", "--json"]),
        Case(name: "log-rejected", scenario: "teams", arguments: ["log", "--outcome", "rejected", "--limit", "2"]),
        Case(name: "history", scenario: "subscription-cancel", arguments: ["history", "42"]),
        Case(name: "history-json", scenario: "coupons", arguments: ["history", "43", "--json"]),
        Case(
            name: "show-member-json", scenario: "subscription-payments", arguments: ["show", "member", "42", "--json"]),
        Case(
            name: "show-member-before-period-end", scenario: "subscription-cancel",
            arguments: ["show", "member", "42", "--as-of", "2026-04-02T09:00:00.000410Z"]),
        Case(
            name: "show-member-at-period-end", scenario: "subscription-cancel",
            arguments: ["show", "member", "42", "--as-of", "2026-04-02T09:00:00.000411Z"]),
        Case(name: "show-member-seq", scenario: "members", arguments: ["show", "member", "1358", "--seq", "2"]),
        Case(name: "show-team", scenario: "teams", arguments: ["show", "team", "3/502"]),
        Case(
            name: "show-subscription", scenario: "subscription-payments",
            arguments: ["show", "subscription", "42/11", "--json"]),
        Case(name: "show-coupon", scenario: "coupons", arguments: ["show", "coupon", "X9GRDQYR5N"]),
        Case(name: "stats", scenario: "teams", arguments: ["stats", "--json"]),
        Case(name: "digest", scenario: "custom-operations", arguments: ["digest"]),
        Case(name: "verify", scenario: "duplicates", arguments: ["verify", "--json"]),
        Case(name: "verify-damaged", scenario: "duplicates", arguments: ["verify"], damage: true),
        Case(name: "export", scenario: "batchsync", arguments: ["export", "--from", "5"]),
        Case(name: "catalog-show", scenario: "catalog-changes", arguments: ["catalog", "show"]),
        Case(
            name: "webhook-url", scenario: nil,
            arguments: ["webhook-url", "fieldop", "--operation", "7", "--crm", "keap"]),
        Case(name: "bad-verb", scenario: nil, arguments: ["histroy", "42"]),
        Case(name: "bad-flag", scenario: "members", arguments: ["log", "--limt", "3"]),
        Case(name: "bad-time", scenario: "members", arguments: ["show", "member", "42", "--as-of", "yesterday"]),
        Case(name: "missing-data", scenario: nil, arguments: ["stats"]),
        Case(name: "missing-member", scenario: "members", arguments: ["show", "member", "999"]),
        Case(
            name: "webhook-url-missing-parameter", scenario: nil,
            arguments: ["webhook-url", "aal_updateteam", "--team", "3"]),
    ]

    static let folder = ScenarioFile.fixturesFolder().deletingLastPathComponent().appendingPathComponent("cli")

    @Test("each command line prints what the golden file says", arguments: cases)
    func golden(_ testCase: Case) throws {
        let temp = TemporaryFolder("memberledger-cli")
        if let scenario = testCase.scenario {
            let events = try ScenarioFile(
                url: ScenarioFile.fixturesFolder().appendingPathComponent("\(scenario).jsonl")
            ).events
            let writer = try JournalWriter(
                folder: DataFolder(path: temp.appending("ledger-data")), clock: { events[0].recordedAt },
                newJournalID: "0123456789abcdef0123456789abcdef")
            for event in events { try writer.append(recorded: event) }
        }
        if testCase.damage {
            let path = temp.appending("ledger-data/journal.jsonl")
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let third = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }[2] + 1
            bytes[third + 50] ^= 0x02
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let run = try Self.run(testCase.arguments, in: temp.path)
        let text =
            "$ memberledger \(testCase.arguments.joined(separator: " "))\n--- exit \(run.status)\n--- stdout\n\(run.output)--- stderr\n\(run.error)"
        let golden = Self.folder.appendingPathComponent("\(testCase.name).txt")
        if ProcessInfo.processInfo.environment["MEMBERLEDGER_RECORD_FIXTURES"] == "1" {
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
    }

    static func run(_ arguments: [String], in directory: String) throws -> (
        status: Int32, output: String, error: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BuiltProduct.path("memberledger")))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["MEMBERLEDGER_HANDSHAKE"] = "H4ndSh4k3"
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
