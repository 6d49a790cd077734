import MemberLedgerCore
import MemberLedgerJournal

/// The JSON objects of the projections, as `show … --json` prints them and `/api/…` answers them.
public enum LedgerViews {
    /// A member with their teams, subscriptions and coupons.
    public static func member(_ member: Member, in state: LedgerState) -> JSONValue {
        let id = member.contactID
        // Filtered before sorted: a member's few out of every team, subscription and coupon in the ledger.
        let teams: [JSONValue] = state.teams.values.filter { $0.key.leaderContactID == id || $0.members.contains(id) }
            .sorted { $0.key < $1.key }.map { team in
                .object([
                    ("teamId", .string(team.key.programID)),
                    ("role", .string(team.key.leaderContactID == id ? "leader" : "member")),
                    ("leaderContactId", .string(team.key.leaderContactID)), ("seats", .int(team.seats)),
                    ("members", .strings(team.sortedMembers)),
                ])
            }
        let subscriptions: [JSONValue] = state.subscriptions.values.filter { $0.key.contactID == id }.sorted {
            $0.key < $1.key
        }.map {
            subscription in
            .object([
                ("productId", .string(subscription.key.productID)), ("status", .string(subscription.status.rawValue)),
                ("gateway", .string(subscription.gateway.rawValue)), ("balance", .int(subscription.balance)),
                ("periodEnd", .string(subscription.periodEnd.rfc3339)),
            ])
        }
        let coupons: [JSONValue] = state.coupons.values.filter { $0.contactID == id }.sorted {
            utf8Ascending($0.code, $1.code)
        }.map { coupon in
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

    /// A team: leader, seats, members.
    public static func team(_ team: Team) -> JSONValue {
        .object([
            ("teamId", .string(team.key.programID)), ("leaderContactId", .string(team.key.leaderContactID)),
            ("seats", .int(team.seats)), ("seatsUsed", .int(team.seatsUsed)), ("seatsFree", .int(team.seatsFree)),
            ("members", .strings(team.sortedMembers)), ("createdAt", .string(team.createdAt.rfc3339)),
        ])
    }

    /// A subscription: status, gateway, amounts and period.
    public static func subscription(_ subscription: Subscription) -> JSONValue {
        .object([
            ("contactId", .string(subscription.key.contactID)), ("productId", .string(subscription.key.productID)),
            ("status", .string(subscription.status.rawValue)), ("gateway", .string(subscription.gateway.rawValue)),
            ("amount", .int(subscription.amount)), ("currency", .string(subscription.currency)),
            ("balance", .int(subscription.balance)), ("startedAt", .string(subscription.startedAt.rfc3339)),
            ("periodEnd", .string(subscription.periodEnd.rfc3339)),
        ])
    }

    /// A coupon: code, promotion, owner, status and dates.
    public static func coupon(_ coupon: Coupon) -> JSONValue {
        .object([
            ("code", .string(coupon.code)), ("promoId", .string(coupon.promoID)),
            ("contactId", .string(coupon.contactID)),
            ("status", .string(coupon.status.rawValue)), ("issuedAt", .string(coupon.issuedAt.rfc3339)),
            ("expiresAt", .string(coupon.expiresAt.rfc3339)),
            ("redeemedAt", coupon.redeemedAt.map { .string($0.rfc3339) } ?? .null),
        ])
    }

    /// A projection by kind (`member`, `team`, `subscription`, `coupon`) and id (`42`, `3/42`, `42/11`, a
    /// code); nil when there is none, or the id has the wrong shape for its kind.
    public static func lookup(_ kind: String, _ id: String, in state: LedgerState) -> JSONValue? {
        func pair(_ id: String) -> (String, String)? {
            let parts = id.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
                ? (String(parts[0]), String(parts[1])) : nil
        }
        switch kind {
        case "member": return state.member(id).map { member($0, in: state) }
        case "team":
            return pair(id).flatMap { state.teams[TeamKey(programID: $0, leaderContactID: $1)] }.map(team)
        case "subscription":
            return pair(id).flatMap { state.subscriptions[SubscriptionKey(contactID: $0, productID: $1)] }.map(
                subscription)
        case "coupon": return state.coupons[id].map(coupon)
        default: return nil
        }
    }

    /// The ledger's counts, as `stats --json` prints them; `outcomes` counts events by outcome.
    public static func stats(_ state: LedgerState, outcomes: [Outcome.Status: Int]) -> JSONValue {
        func counted<T>(_ items: some Sequence<T>, _ key: (T) -> String, _ keys: [String]) -> JSONValue {
            var counts: [String: Int] = [:]
            for item in items { counts[key(item), default: 0] += 1 }
            return .object(keys.map { ($0, .int(counts[$0] ?? 0)) })
        }
        let teams = state.teams.values
        return .object([
            ("seq", .int(state.lastSeq)), ("members", .int(state.members.count)),
            (
                "subscriptions",
                counted(state.subscriptions.values, { $0.status.rawValue }, SubscriptionStatus.allCases.map(\.rawValue))
            ),
            ("teams", .int(teams.count)), ("seatsUsed", .int(teams.reduce(0) { $0 + $1.seatsUsed })),
            ("seatsFree", .int(teams.reduce(0) { $0 + $1.seatsFree })),
            ("coupons", counted(state.coupons.values, { $0.status.rawValue }, CouponStatus.allCases.map(\.rawValue))),
            (
                "events",
                .object(
                    [Outcome.Status.applied, .unchanged, .rejected, .duplicate].map {
                        ($0.rawValue, .int(outcomes[$0] ?? 0))
                    })
            ),
        ])
    }

    /// What an auditor writes down, as `digest --json` prints it and `/api/digest` answers it: the head seq,
    /// its chain hash and the state digest.
    public static func digest(_ state: LedgerState, head: JournalHead) -> JSONValue {
        .object([("seq", .int(head.seq)), ("chainHash", .string(head.hash)), ("stateDigest", .string(state.digest))])
    }

    /// Why `lookup` found nothing at `point`: for a past point, and an id that exists now, it says the
    /// projection did not exist yet at that time (`show … --as-of` and `/api/…?asOf=` both say it so).
    public static func missing(_ kind: String, _ id: String, at point: LedgerReplay.Target, existsNow: Bool) -> String {
        switch point {
        case .end: return "no \(kind) \(id)"
        case .seq(let seq):
            return "no \(kind) \(id) at seq \(seq)" + (existsNow ? ": not a \(kind) yet at that time" : "")
        case .time(let time):
            return "no \(kind) \(id) as of \(time.rfc3339)" + (existsNow ? ": not a \(kind) yet at that time" : "")
        }
    }
}
