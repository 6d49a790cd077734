import Foundation
import MemberLedgerCore
import MemberLedgerJournal

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
        let value: JSONValue?
        switch kind {
        case "member": value = state.member(id).map { member(json: $0, in: state) }
        case "team":
            value = pair(id).flatMap { state.teams[TeamKey(programID: $0, leaderContactID: $1)] }.map(team(json:))
        case "subscription":
            value = pair(id).flatMap { state.subscriptions[SubscriptionKey(contactID: $0, productID: $1)] }.map(
                subscription(json:))
        default: value = state.coupons[id].map(coupon(json:))
        }
        guard let value else { fail("show: no \(kind) \(id) as of seq \(state.lastSeq)", .noInput) }
        if arguments.json {
            printJSON(value)
        } else {
            say(text(value))
        }
        exit(ExitCode.ok.rawValue)
    }

    private static func pair(_ id: String) -> (String, String)? {
        let parts = id.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

    static func member(json member: Member, in state: LedgerState) -> JSONValue {
        let id = member.contactID
        let teams: [JSONValue] = state.sortedTeams.filter { $0.key.leaderContactID == id || $0.members.contains(id) }
            .map { team in
                .object([
                    ("teamId", .string(team.key.programID)),
                    ("role", .string(team.key.leaderContactID == id ? "leader" : "member")),
                    ("leaderContactId", .string(team.key.leaderContactID)), ("seats", .int(team.seats)),
                    ("members", .strings(team.sortedMembers)),
                ])
            }
        let subscriptions: [JSONValue] = state.sortedSubscriptions.filter { $0.key.contactID == id }.map {
            subscription in
            .object([
                ("productId", .string(subscription.key.productID)), ("status", .string(subscription.status.rawValue)),
                ("gateway", .string(subscription.gateway.rawValue)), ("balance", .int(subscription.balance)),
                ("periodEnd", .string(subscription.periodEnd.rfc3339)),
            ])
        }
        let coupons: [JSONValue] = state.sortedCoupons.filter { $0.contactID == id }.map { coupon in
            .object([
                ("promoId", .string(coupon.promoID)), ("code", .string(coupon.code)),
                ("status", .string(coupon.status.rawValue)), ("expiresAt", .string(coupon.expiresAt.rfc3339)),
            ])
        }
        let fields: [(key: String, value: JSONValue)] = member.sortedFields.map { ($0.name, .string($0.value)) }
        let optional: (String?) -> JSONValue = { $0.map(JSONValue.string) ?? .null }
        return .object([
            ("contactId", .string(id)), ("email", optional(member.email)), ("firstName", optional(member.firstName)),
            ("lastName", optional(member.lastName)), ("tags", .strings(member.sortedTags)), ("fields", .object(fields)),
            ("passwordSet", .bool(member.passwordHash != nil)), ("joinedAt", .string(member.joinedAt.rfc3339)),
            ("teams", .array(teams)), ("subscriptions", .array(subscriptions)), ("coupons", .array(coupons)),
        ])
    }

    static func team(json team: Team) -> JSONValue {
        .object([
            ("teamId", .string(team.key.programID)), ("leaderContactId", .string(team.key.leaderContactID)),
            ("seats", .int(team.seats)), ("seatsUsed", .int(team.seatsUsed)), ("seatsFree", .int(team.seatsFree)),
            ("members", .strings(team.sortedMembers)), ("createdAt", .string(team.createdAt.rfc3339)),
        ])
    }

    static func subscription(json subscription: Subscription) -> JSONValue {
        .object([
            ("contactId", .string(subscription.key.contactID)), ("productId", .string(subscription.key.productID)),
            ("status", .string(subscription.status.rawValue)), ("gateway", .string(subscription.gateway.rawValue)),
            ("amount", .int(subscription.amount)), ("currency", .string(subscription.currency)),
            ("balance", .int(subscription.balance)), ("startedAt", .string(subscription.startedAt.rfc3339)),
            ("periodEnd", .string(subscription.periodEnd.rfc3339)),
        ])
    }

    static func coupon(json coupon: Coupon) -> JSONValue {
        .object([
            ("code", .string(coupon.code)), ("promoId", .string(coupon.promoID)),
            ("contactId", .string(coupon.contactID)),
            ("status", .string(coupon.status.rawValue)), ("issuedAt", .string(coupon.issuedAt.rfc3339)),
            ("expiresAt", .string(coupon.expiresAt.rfc3339)),
            ("redeemedAt", coupon.redeemedAt.map { .string($0.rfc3339) } ?? .null),
        ])
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
