import Foundation
import MemberLedgerCore
import MemberLedgerJournal

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
            let effects = step.outcome.effects.filter { $0.contactID == contact }
            let transitions = step.outcome.transitions.filter { $0.effect.contactID == contact }
            let named = step.event.payload.contactIDs.contains(contact)
            guard named || !effects.isEmpty || !transitions.isEmpty else { return }
            found = true
            if arguments.json {
                var fields: [(key: String, value: JSONValue)] = [
                    ("seq", .int(step.event.seq)), ("at", .string(step.event.recordedAt.rfc3339)),
                    (
                        "type",
                        .string(
                            LogVerb.Entry(event: step.event, outcome: step.outcome).command
                                ?? step.event.payload.typeName)
                    ),
                    ("outcome", .string(step.outcome.status.rawValue)),
                ]
                if let reason = step.outcome.reason { fields.append(("reason", .string(reason.description))) }
                fields.append(("effects", .array(effects.map(\.json))))
                fields.append(
                    (
                        "transitions",
                        .array(
                            transitions.map {
                                .object([("at", .string($0.effectiveAt.rfc3339)), ("effect", $0.effect.json)])
                            })
                    ))
                printJSON(.object(fields))
                return
            }
            for transition in transitions { say("\(transition.effectiveAt)  ⏱ \(transition.effect)") }
            guard named || !effects.isEmpty else { return }
            let entry = LogVerb.Entry(event: step.event, outcome: step.outcome)
            say(
                "\(step.event.recordedAt)  #\(step.event.seq)  \(entry.command ?? step.event.payload.typeName)  \(step.outcome.status.rawValue)\(step.outcome.reason.map { ": \($0)" } ?? "")"
            )
            for effect in effects { say("    \(effect)") }
        }
        // Transitions that fell due between the last event and an --as-of instant.
        for transition in result.transitions where transition.effect.contactID == contact {
            found = true
            if arguments.json {
                printJSON(
                    .object([("at", .string(transition.effectiveAt.rfc3339)), ("effect", transition.effect.json)]))
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
