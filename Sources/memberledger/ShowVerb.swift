import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery

/// `memberledger show member|team|subscription|coupon ID`: one projection, now or as of a point.
enum ShowVerb {
    static let spec = VerbSpec(
        name: "show", summary: "Show a member, team, subscription or coupon, now or as of a point in history.",
        arguments: "member|team|subscription|coupon ID", positionalCount: 2...2, options: [.data, .asOf, .seq, .json],
        details: """
            IDs: a member by contact id (42), a team by program and leader (3/42), a subscription by contact
            and product (42/11), a coupon by code. `show member 42 --json` gives contactId, email, firstName,
            lastName, tags (sorted), fields, teams [{teamId, role, seats, members}], subscriptions
            [{productId, status, gateway, balance, periodEnd}], coupons [{promoId, code, status, expiresAt}].
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let kind = arguments.positional[0]
        let id = arguments.positional[1]
        guard ["member", "team", "subscription", "coupon"].contains(kind) else {
            usageError(spec, "show takes member, team, subscription or coupon, got \(kind)")
        }
        let state = replay(arguments).state
        let value = LedgerViews.lookup(kind, id, in: state)
        guard let value else {
            let point = arguments.target
            let existsNow =
                point != .end && LedgerViews.lookup(kind, id, in: replay(arguments, target: .end).state) != nil
            fail(
                "show: \(LedgerViews.missing(kind, id, at: point, existsNow: existsNow)) (seq \(state.lastSeq))",
                .noInput)
        }
        if arguments.json {
            printJSON(value)
        } else {
            say(text(value))
        }
        exit(ExitCode.ok.rawValue)
    }

    /// `key: value` lines for people; a list of objects as `- k=v, k=v` lines.
    static func text(_ value: JSONValue) -> String {
        guard let fields = value.objectValue else { return scalarText(value) }
        var lines: [String] = []
        for (key, member) in fields {
            switch member {
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                lines.append("\(key):")
                for item in items {
                    let pairs = (item.objectValue ?? []).map { "\($0.key)=\(scalarText($0.value))" }
                    lines.append("  - " + pairs.joined(separator: ", "))
                }
            case .object(let members) where !members.isEmpty:
                lines.append("\(key):")
                for (name, inner) in members { lines.append("  \(name): \(scalarText(inner))") }
            default:
                lines.append("\(key): \(scalarText(member))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .null: "-"
        case .array(let items) where items.isEmpty: "-"
        case .array(let items): items.map(scalarText).joined(separator: ", ")
        case .object(let members) where members.isEmpty: "-"
        default: JSONWriter.string(value)
        }
    }
}
