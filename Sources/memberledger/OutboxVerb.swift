import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery
import MemberLedgerServer

/// `memberledger outbox`: what the CRM has still to be told or asked, and `outbox retry` to try again.
enum OutboxVerb {
    static let spec = VerbSpec(
        name: "outbox", summary: "List outbox items waiting for the CRM (or given up on), or retry them.",
        arguments: "[retry ID...]", positionalCount: 0...64,
        options: [
            .data, .json, OptionSpec(name: "--pending", value: nil, help: "only items waiting for an attempt"),
            OptionSpec(name: "--dead", value: nil, help: "only dead letters (given up on)"),
            OptionSpec(name: "--all", value: nil, help: "with retry: every pending item and dead letter"),
        ],
        details: """
            Items are tag and field writes a rule decided, new members' passwords, and pulls of a contact, in the
            order they were queued; each contact's go out in that order. A dead letter is an item the CRM refused
            (a 4xx other than 408, 409, 429) or that failed for 24 hours. `outbox retry ID...` or `--all` records
            a retry request (through the running server when one holds the writer's lock): dead letters go back
            to the queue and every named item is due at once.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        if arguments.positional.first == "retry" { retry(arguments) }
        guard arguments.positional.isEmpty else { usageError(spec, "unexpected argument \(arguments.positional[0])") }
        if arguments.switches.contains("--all") { usageError(spec, "--all goes with retry") }
        let state = replay(arguments).state
        var items = state.crm.sortedItems
        if arguments.switches.contains("--pending") { items = items.filter { !$0.dead } }
        if arguments.switches.contains("--dead") { items = items.filter(\.dead) }
        if arguments.json {
            for item in items { printJSON(item.json) }
        } else {
            if state.crm.link == nil { say("no CRM linked (memberledger crm connect; serve records the link)") }
            for item in items { say(line(item)) }
            if items.isEmpty { say("the outbox is empty") }
        }
        exit(ExitCode.ok.rawValue)
    }

    static func line(_ item: OutboxItem) -> String {
        var text = "#\(item.id)  \(item.contactID)  \(item.action.summary)  \(item.dead ? "dead" : "pending")"
        text += "  queued by #\(item.seq)  attempts \(item.attempts)"
        if !item.dead { text += "  due \(item.dueAt)" }
        if let error = item.lastError { text += "  last: \(error)" }
        return text
    }

    private static func retry(_ arguments: ParsedArguments) -> Never {
        let all = arguments.switches.contains("--all")
        let names = arguments.positional.dropFirst()
        guard all != !names.isEmpty else { usageError(spec, "retry takes item ids or --all (one of them)") }
        var ids: [Int64] = []
        for name in names {
            guard let id = Int64(name.hasPrefix("#") ? String(name.dropFirst()) : name), id > 0 else {
                usageError(spec, "retry takes item ids such as 7 (from `memberledger outbox`), got \(name)")
            }
            ids.append(id)
        }
        let request = all ? OutboxRetry(all: true) : OutboxRetry(items: ids)
        AdminSubmission.run(arguments, path: "/admin/outbox/retry", body: AdminRequest.json(request)) { writer in
            OfflineWriter.record(EventDraft(.outboxRetryRequested(request)), with: writer, json: arguments.json)
        }
    }
}
