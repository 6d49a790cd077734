import Foundation
import MemberLedgerCore
import MemberLedgerJournal

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

    /// One line of the log.
    struct Entry {
        var event: Event
        var outcome: Outcome

        var command: String? {
            if case .webhookReceived(let webhook) = event.payload { return webhook.command.operation.rawValue }
            return nil
        }

        var dialect: String? {
            if case .webhookReceived(let webhook) = event.payload { return webhook.request?.dialect }
            return nil
        }

        /// The contacts the event names; for an event that names none (a CRM delivery report), the
        /// contacts its effects concern, so `log --contact 42` shows what reached 42's CRM record.
        var contacts: [String] {
            let named = event.payload.contactIDs
            guard named.isEmpty else { return named }
            var seen = Set<String>()
            return outcome.effects.compactMap(\.contactID).filter { seen.insert($0).inserted }
        }

        var json: JSONValue {
            var fields: [(key: String, value: JSONValue)] = [
                ("seq", .int(event.seq)), ("at", .string(event.recordedAt.rfc3339)),
                ("type", .string(event.payload.typeName)),
            ]
            if let command { fields.append(("command", .string(command))) }
            fields.append(("contacts", .strings(contacts)))
            if let dialect { fields.append(("dialect", .string(dialect))) }
            fields.append(("outcome", .string(outcome.status.rawValue)))
            if let reason = outcome.reason { fields.append(("reason", .string(reason.description))) }
            if let duplicateOf = outcome.duplicateOf { fields.append(("duplicateOf", .int(duplicateOf))) }
            return .object(fields)
        }

        var text: String {
            let contacts = self.contacts.joined(separator: ",")
            var line =
                "\(event.recordedAt)  #\(event.seq)  \(command ?? event.payload.typeName)  \(contacts.isEmpty ? "-" : contacts)"
            line += "  \(dialect ?? "-")  \(outcome.status.rawValue)"
            if let duplicateOf = outcome.duplicateOf { line += " of #\(duplicateOf)" }
            if let reason = outcome.reason { line += ": \(reason)" }
            return line
        }
    }

    static func run(_ arguments: ParsedArguments) -> Never {
        let command = arguments.options["--command"]
        let contact = arguments.options["--contact"]
        let outcome = arguments.options["--outcome"]
        if let outcome, Outcome.Status(rawValue: outcome) == nil {
            usageError(spec, "--outcome takes applied, unchanged, rejected or duplicate, got \(outcome)")
        }
        let since = arguments.time("--since")
        let until = arguments.time("--until")
        let limit = Int(min(arguments.integer("--limit") ?? 100, 100_000_000))
        func matches(_ entry: Entry) -> Bool {
            if let command, entry.command != command && entry.event.payload.typeName != command { return false }
            if let contact, !entry.contacts.contains(contact) { return false }
            if let outcome, entry.outcome.status.rawValue != outcome { return false }
            if let since, entry.event.recordedAt < since { return false }
            if let until, entry.event.recordedAt >= until { return false }
            return true
        }
        func show(_ entry: Entry) { arguments.json ? printJSON(entry.json) : say(entry.text) }

        var newest: [Entry] = []
        // From seq 1: the log lists every event, including those a snapshot would skip.
        let result = replay(arguments, target: .end, useSnapshots: false) { step in
            let entry = Entry(event: step.event, outcome: step.outcome)
            guard matches(entry) else { return }
            newest.append(entry)
            if limit > 0 && newest.count > limit * 2 { newest.removeFirst(newest.count - limit) }
        }
        for entry in (limit > 0 ? Array(newest.suffix(limit)) : newest).reversed() { show(entry) }
        guard arguments.switches.contains("--follow") else { exit(ExitCode.ok.rawValue) }
        follow(from: result, folder: arguments.folder, matches: matches, show: show)
    }

    /// Tails the journal: every half second, reads and applies whatever was appended since.
    private static func follow(
        from result: LedgerReplay.Result, folder: DataFolder, matches: (Entry) -> Bool, show: (Entry) -> Void
    ) -> Never {
        var state = result.state
        var position = result.position
        while true {
            do {
                try JournalReader(folder: folder).forEachEvent(verify: true, after: position) { event, _, after in
                    let entry = Entry(event: event, outcome: state.apply(event))
                    if matches(entry) { show(entry) }
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
