import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery

/// `memberledger log`: the Webhooks Log (AccessAlly's Detailed Log), newest first.
enum LogVerb {
    static let spec = VerbSpec(
        name: "log", summary: "Show the webhooks log: every event, newest first, with its outcome.", arguments: "",
        positionalCount: 0...0,
        options: [
            .data,
            OptionSpec(
                name: "--command", value: "NAME",
                help: "only this command or event type (aal_genpass, order.completed, ...)"),
            OptionSpec(name: "--contact", value: "ID", help: "only events about this contact"),
            OptionSpec(name: "--outcome", value: "OUTCOME", help: "only applied, unchanged, rejected or duplicate"),
            OptionSpec(name: "--since", value: "TIME", help: "only events recorded at or after this RFC 3339 time"),
            OptionSpec(name: "--until", value: "TIME", help: "only events recorded before this RFC 3339 time"),
            OptionSpec(name: "--limit", value: "N", help: "at most N events (default 100; 0 for all)"),
            OptionSpec(name: "--follow", value: nil, help: "then keep printing new events as they land (oldest first)"),
            .json,
        ],
        details: """
            Columns: recorded time, seq, command or event type, contact ids, CRM dialect, outcome, reason.
            With --json, one object per line: seq, at, type, command, contacts, dialect, outcome, reason,
            duplicateOf.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let outcome = arguments.options["--outcome"]
        let status = outcome.flatMap(Outcome.Status.init(rawValue:))
        if let outcome, status == nil {
            usageError(spec, "--outcome takes applied, unchanged, rejected or duplicate, got \(outcome)")
        }
        let filter = LogFilter(
            command: arguments.options["--command"], contact: arguments.options["--contact"], outcome: status,
            since: arguments.time("--since"), until: arguments.time("--until"))
        let limit = Int(min(arguments.integer("--limit") ?? 100, 100_000_000))
        func show(_ entry: LogEntry) { arguments.json ? printJSON(entry.json) : say(entry.text) }

        var newest: [LogEntry] = []
        // From seq 1: the log lists every event, including those a snapshot would skip.
        func keep(_ entry: LogEntry) {
            guard filter.matches(entry) else { return }
            newest.append(entry)
            if limit > 0 && newest.count > limit * 2 { newest.removeFirst(newest.count - limit) }
        }
        let result = replay(
            arguments, target: .end, useSnapshots: false,
            observe: { step in keep(LogEntry(event: step.event, outcome: step.outcome)) },
            lost: { seqs in
                for seq in seqs { keep(LogEntry(lost: seq, at: newest.last?.at ?? Timestamp(microseconds: 0))) }
            })
        for entry in (limit > 0 ? Array(newest.suffix(limit)) : newest).reversed() { show(entry) }
        guard arguments.switches.contains("--follow") else { exit(ExitCode.ok.rawValue) }
        follow(from: result, folder: arguments.folder, filter: filter, show: show)
    }

    /// Tails the journal: every half second, reads and applies whatever was appended since.
    private static func follow(
        from result: LedgerReplay.Result, folder: DataFolder, filter: LogFilter, show: (LogEntry) -> Void
    ) -> Never {
        var state = result.state
        var position = result.position
        while true {
            do {
                try JournalReader(folder: folder).forEachEvent(verify: true, after: position) { event, _, after in
                    let entry = LogEntry(event: event, outcome: state.apply(event))
                    if filter.matches(entry) { show(entry) }
                    position = after
                    return true
                }
            } catch {
                fail("log: \(error)", .ioError)
            }
            usleep(500_000)
        }
    }
}
