import Foundation

// The `memberledger` command: one executable for admins and auditors. Every verb and option is in its
// spec (name, help, what it does); `memberledger help VERB` and `memberledger VERB --help` print it.

let verbs: [VerbSpec] = [
    ServeVerb.spec, LogVerb.spec, HistoryVerb.spec, ShowVerb.spec, StatsVerb.spec, DigestVerb.spec, VerifyVerb.spec,
    RepairVerb.spec, SnapshotVerb.spec, RebuildVerb.spec, WebhookURLVerb.spec, CatalogVerb.spec, ImportVerb.spec,
    ExportVerb.spec, RecordVerb.spec, ReplayFileVerb.spec, CRMVerb.spec, OutboxVerb.spec, PasswordVerb.spec,
    FollowVerb.spec, BackupVerb.spec, RestoreVerb.spec,
]

let overview = """
    memberledger: receive CRM webhooks into a tamper-evident journal, and read it back.

    usage: memberledger <verb> [arguments] [options]

    verbs:
    \(verbs.map { "  \($0.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))

    Every verb takes --help. Read verbs take --data DIR (default ./ledger-data) and work while a server is
    writing. Exit codes (Docs/cli.md): 0 ok, 1 damaged journal or failed check, 64 usage, 65 bad data,
    66 no input, 69 unavailable, 74 I/O, 75 try later.

    """

let words = Array(CommandLine.arguments.dropFirst())
switch words.first {
case nil, "help", "--help", "-h":
    if words.count >= 2, let verb = verbs.first(where: { $0.name == words[1] }) {
        print(verb.help, terminator: "")
    } else {
        print(overview, terminator: "")
    }
    exit(ExitCode.ok.rawValue)
case let name?:
    guard let verb = verbs.first(where: { $0.name == name }) else {
        let hint =
            ParsedArguments.suggestion(for: name, among: verbs.map(\.name)).map { " (did you mean \($0)?)" } ?? ""
        fail("unknown verb \(name)\(hint)\nrun `memberledger help` for the list", .usage)
    }
    verb.run(ParsedArguments(Array(words.dropFirst()), verb: verb))
}
