import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery

/// `memberledger stats` and `memberledger digest`: counts, and what an auditor records.
enum StatsVerb {
    static let spec = VerbSpec(
        name: "stats",
        summary: "Count members, subscriptions by status, teams and seats, coupons by status, events by outcome.",
        arguments: "", positionalCount: 0...0, options: [.data, .asOf, .seq, .json], details: "", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        var outcomes: [Outcome.Status: Int] = [:]
        // From seq 1: events are counted by outcome, including those a snapshot would skip.
        let state = replay(arguments, useSnapshots: false) { step in
            outcomes[step.outcome.status, default: 0] += 1
        }
        .state
        let value = LedgerViews.stats(state, outcomes: outcomes)
        arguments.json ? printJSON(value) : say(ShowVerb.text(value))
        exit(ExitCode.ok.rawValue)
    }
}

enum DigestVerb {
    static let spec = VerbSpec(
        name: "digest", summary: "Print the head seq, its chain hash and the state digest: what an auditor records.",
        arguments: "", positionalCount: 0...0, options: [.data, .asOf, .seq, .json],
        details:
            "Verifies the whole journal first (exit 1 on damage). Keep SEQ:HASH outside the data folder; "
            + "`verify --expect-head SEQ:HASH` proves it later.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        // What an auditor writes down must be a head that `verify` accepts.
        if let damage = verifyWhole(arguments).damage, case .corrupt = damage {
            refuseDamaged("digest", damage, foundBy: nil)
        }
        let result = replay(arguments)
        if arguments.json {
            printJSON(LedgerViews.digest(result.state, head: result.position.head))
        } else {
            say(
                "head seq: \(result.position.head.seq)\nchain hash: \(result.position.head.hash)\nstate digest: \(result.state.digest)"
            )
        }
        exit(ExitCode.ok.rawValue)
    }
}
