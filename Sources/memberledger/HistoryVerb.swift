import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery

/// `memberledger history CONTACT`: what every event did to one contact, with time transitions at their
/// effective time.
enum HistoryVerb {
    static let spec = VerbSpec(
        name: "history", summary: "Show every event that touched a contact and what it did.", arguments: "CONTACT",
        positionalCount: 1...1, options: [.data, .asOf, .seq, .json],
        details: """
            Time transitions (revoke tags at a period end, a coupon's expiry) appear at their effective time,
            marked ⏱. With --json, one object per event: seq, at, type, outcome, reason, effects (this
            contact's), and transitions.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let contact = arguments.positional[0]
        var found = false
        // From seq 1: the history lists every event, including those a snapshot would skip.
        let result = replay(arguments, useSnapshots: false) { step in
            guard let entry = HistoryEntry(contact: contact, event: step.event, outcome: step.outcome) else { return }
            found = true
            if arguments.json { return printJSON(entry.json) }
            for transition in entry.transitions { say("\(transition.effectiveAt)  ⏱ \(transition.effect)") }
            guard entry.named || !entry.effects.isEmpty else { return }
            say(entry.text)
            for effect in entry.effects { say("    \(effect)") }
        }
        // Transitions that fell due between the last event and an --as-of instant.
        for transition in result.transitions where transition.effect.contactID == contact {
            found = true
            if arguments.json {
                printJSON(HistoryEntry.json(transition: transition))
            } else {
                say("\(transition.effectiveAt)  ⏱ \(transition.effect)")
            }
        }
        guard found || result.state.member(contact) != nil else {
            fail("history: contact \(contact) appears in no event", .noInput)
        }
        exit(ExitCode.ok.rawValue)
    }
}
