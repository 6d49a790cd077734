import Dispatch
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
        /// Files to write in the working folder first.
        var files: [String: String] = [:]
        /// Whether the test holds the writer's lock while the command runs (as a server would).
        var lockHeld: Bool = false
        /// Command lines run first (their output is not compared), e.g. taking a snapshot.
        var before: [[String]] = []
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
            name: "show-member-not-yet", scenario: "members",
            arguments: ["show", "member", "1358", "--as-of", "2000-01-01T00:00:00Z"]),
        Case(
            name: "webhook-url-missing-parameter", scenario: nil,
            arguments: ["webhook-url", "aal_updateteam", "--team", "3"]),
        Case(
            name: "history-as-of", scenario: "subscription-pause",
            arguments: ["history", "42", "--as-of", "2026-04-02T09:00:01Z"]),
        Case(name: "rebuild", scenario: "teams", arguments: ["rebuild"]),
        Case(
            name: "log-after-snapshot", scenario: "coupons", arguments: ["log", "--limit", "3"], before: [["snapshot"]]),
        Case(
            name: "history-after-snapshot", scenario: "coupons", arguments: ["history", "42"], before: [["snapshot"]]),
        Case(
            name: "stats-after-snapshot", scenario: "coupons", arguments: ["stats", "--json"], before: [["snapshot"]]),
        Case(name: "rebuild-with-snapshot", scenario: "coupons", arguments: ["rebuild"], before: [["snapshot"]]),
        Case(
            name: "replay-file", scenario: nil, arguments: ["replay", "events.jsonl"],
            files: ["events.jsonl": threeEvents]),
        Case(
            name: "import-csv", scenario: "members", arguments: ["import", "members.csv"],
            files: [
                "members.csv":
                    "contactId,email,firstName,lastName,tags,plan\n1358,ada@example.com,Ada,,\"Gold, Trial\",gold\n77,new@example.com,New,Member,,\n"
            ]),
        Case(
            name: "import-json-lines", scenario: "members", arguments: ["import", "members.jsonl", "--json"],
            files: [
                "members.jsonl":
                    #"{"contactId":"1358","tags":["Gold"]}"# + "\n"
                    + #"{"contactId":"88","email":"x@example.com","fields":{"plan":"pro"}}"# + "\n"
            ]),
        Case(
            name: "import-bad-json-line", scenario: "members", arguments: ["import", "members.jsonl"],
            files: ["members.jsonl": #"{"contactId":"1"}"# + "\n" + #"{"contactID":"2"}"# + "\n"]),
        Case(
            name: "import-bad-row", scenario: "members", arguments: ["import", "members.csv"],
            files: ["members.csv": "contactId,email\n1,a@b.c\n2\n"]),
        Case(
            name: "record", scenario: "subscription-payments", arguments: ["record", "event.json"],
            files: ["event.json": #"{"type":"payment.failed","contactId":"42","productId":"11","amount":4900}"#]),
        Case(
            name: "record-rejected", scenario: "subscription-payments", arguments: ["record", "event.json"],
            files: ["event.json": #"{"type":"coupon.redeemed","contactId":"42","code":"NOPE"}"#]),
        Case(
            name: "record-while-serving", scenario: "members", arguments: ["record", "event.json"],
            files: ["event.json": #"{"type":"member.imported","contact":{"contactId":"5"}}"#], lockHeld: true),
        Case(
            name: "catalog-apply", scenario: "members", arguments: ["catalog", "apply", "catalog.json"],
            files: [
                "catalog.json":
                    #"{"promos":[{"id":"5","name":"Come back","field":"comeback_coupon","validDays":7,"percentOff":30}]}"#
            ]),
        Case(
            name: "catalog-apply-invalid", scenario: "members", arguments: ["catalog", "apply", "catalog.json"],
            files: ["catalog.json": #"{"customOperations":[{"id":"1","name":"a","actions":[],"then":"1"}]}"#]),
    ]

    static let threeEvents = """
        {"v":1,"seq":1,"at":"2026-03-02T09:00:00Z","type":"member.imported","data":{"contact":{"contactId":"1","tags":["A"]}}}
        {"v":1,"seq":2,"at":"2026-03-02T09:00:01Z","type":"member.imported","data":{"contact":{"contactId":"2"}}}
        {"v":1,"seq":3,"at":"2026-03-02T09:00:02Z","type":"coupon.redeemed","data":{"contactId":"1","code":"X"}}

        """

    static let folder = ScenarioFile.fixturesFolder().deletingLastPathComponent().appendingPathComponent("cli")

    @Test("each command line prints what the golden file says", arguments: cases)
    func golden(_ testCase: Case) throws {
        let temp = TemporaryFolder("memberledger-cli")
        var writer: JournalWriter?
        if let scenario = testCase.scenario {
            let events = try ScenarioFile(
                url: ScenarioFile.fixturesFolder().appendingPathComponent("\(scenario).jsonl")
            ).events
            writer = try JournalWriter(
                folder: DataFolder(path: temp.appending("ledger-data")), clock: { events[0].recordedAt },
                newJournalID: "0123456789abcdef0123456789abcdef")
            for event in events { try writer?.append(recorded: event) }
        }
        // The case that needs the lock held keeps the writer that made the journal, as a running server would.
        if !testCase.lockHeld { writer = nil }
        for (name, content) in testCase.files {
            try content.write(toFile: temp.appending(name), atomically: true, encoding: .utf8)
        }
        for command in testCase.before { _ = try Self.run(command, in: temp.path) }
        defer { withExtendedLifetime(writer) {} }
        if testCase.damage {
            let path = temp.appending("ledger-data/journal.jsonl")
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let third = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }[2] + 1
            bytes[third + 50] ^= 0x02
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let run = try Self.run(testCase.arguments, in: temp.path)
        // The lock holder is this test process: its pid is the one varying part of an output.
        let errors = run.error.replacingOccurrences(
            of: "pid \(ProcessInfo.processInfo.processIdentifier)", with: "pid PID")
        let text =
            "$ memberledger \(testCase.arguments.joined(separator: " "))\n--- exit \(run.status)\n--- stdout\n\(run.output)--- stderr\n\(errors)"
        let golden = Self.folder.appendingPathComponent("\(testCase.name).txt")
        if ProcessInfo.processInfo.environment["MEMBERLEDGER_RECORD_FIXTURES"] == "1" {
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
    }

    static func run(_ arguments: [String], in directory: String) throws -> BuiltProduct.Run {
        try BuiltProduct.run(
            "memberledger", arguments, in: directory, environment: ["MEMBERLEDGER_HANDSHAKE": "H4ndSh4k3H4ndSh4k3"])
    }
}

@Suite("memberledger log --follow")
struct LogFollowTests {
    @Test("--follow prints events as they land, after the existing ones")
    func follow() throws {
        let temp = TemporaryFolder("memberledger-follow")
        let folder = DataFolder(path: temp.appending("ledger-data"))
        let writer = try JournalWriter(folder: folder)
        try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "first")))))
        let follower = try ChildProcess(
            try #require(BuiltProduct.path("memberledger")), ["log", "--follow", "--data", folder.path, "--json"],
            output: .pipe)
        defer {
            follower.send(SIGTERM)
            follower.wait()
        }
        // A broken --follow must fail the test, not hang it: the child is killed after 60 s at the latest.
        follower.killAfter(60)
        var text = follower.readOutput(until: "\"first\"")
        try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "second")))))
        text = follower.readOutput(until: "\"second\"", after: text)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""seq":1"#) == true)
        #expect(lines.last?.contains(#""seq":2"#) == true)
    }
}
