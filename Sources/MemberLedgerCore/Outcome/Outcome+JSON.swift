// The JSON of outcomes and effects: what the server answers and the log prints. Stable shapes (a type
// name and the effect's own fields), documented in `Docs/http.md`.

extension Effect {
    /// The effect as a JSON object: `{"type":"tagApplied","contactId":"42","tag":"Gold","origin":"rule"}`.
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)]
        switch self {
        case .memberCreated(let id):
            fields = [("type", "memberCreated"), ("contactId", .string(id))]
        case .profileChanged(let id, let field, let value):
            fields = [
                ("type", "profileChanged"), ("contactId", .string(id)), ("field", .string(field.rawValue)),
                ("value", .string(value)),
            ]
        case .tagApplied(let id, let tag, let origin):
            fields = [
                ("type", "tagApplied"), ("contactId", .string(id)), ("tag", .string(tag)),
                ("origin", .string(origin.rawValue)),
            ]
        case .tagRemoved(let id, let tag, let origin):
            fields = [
                ("type", "tagRemoved"), ("contactId", .string(id)), ("tag", .string(tag)),
                ("origin", .string(origin.rawValue)),
            ]
        case .fieldSet(let id, let field, let value, let origin):
            fields = [
                ("type", "fieldSet"), ("contactId", .string(id)), ("field", .string(field)), ("value", .string(value)),
                ("origin", .string(origin.rawValue)),
            ]
        case .passwordSet(let id):
            fields = [("type", "passwordSet"), ("contactId", .string(id))]
        case .teamCreated(let team, let seats):
            fields = [("type", "teamCreated")] + Self.team(team) + [("seats", .int(seats))]
        case .teamMemberJoined(let team, let id):
            fields = [("type", "teamMemberJoined")] + Self.team(team) + [("contactId", .string(id))]
        case .teamMemberLeft(let team, let id):
            fields = [("type", "teamMemberLeft")] + Self.team(team) + [("contactId", .string(id))]
        case .seatsChanged(let team, let from, let to):
            fields = [("type", "seatsChanged")] + Self.team(team) + [("from", .int(from)), ("to", .int(to))]
        case .teamDeleted(let team):
            fields = [("type", "teamDeleted")] + Self.team(team)
        case .subscriptionStatusChanged(let key, let from, let to):
            fields =
                [("type", "subscriptionStatusChanged")] + Self.subscription(key) + [
                    ("from", from.map { .string($0.rawValue) } ?? .null), ("to", .string(to.rawValue)),
                ]
        case .subscriptionRenewed(let key, let end):
            fields = [("type", "subscriptionRenewed")] + Self.subscription(key) + [("periodEnd", .string(end.rfc3339))]
        case .balanceChanged(let key, let from, let to):
            fields = [("type", "balanceChanged")] + Self.subscription(key) + [("from", .int(from)), ("to", .int(to))]
        case .chargeRequested(let key, let amount, let currency):
            fields =
                [("type", "chargeRequested")] + Self.subscription(key) + [
                    ("amount", .int(amount)), ("currency", .string(currency)),
                ]
        case .couponIssued(let code, let id, let promo, let expires):
            fields = [
                ("type", "couponIssued"), ("code", .string(code)), ("contactId", .string(id)),
                ("promoId", .string(promo)),
                ("expiresAt", .string(expires.rfc3339)),
            ]
        case .couponRedeemed(let code, let id):
            fields = [("type", "couponRedeemed"), ("code", .string(code)), ("contactId", .string(id))]
        case .couponExpired(let code, let id):
            fields = [("type", "couponExpired"), ("code", .string(code)), ("contactId", .string(id))]
        case .catalogChanged:
            fields = [("type", "catalogChanged")]
        case .crmLinked(let kind):
            fields = [("type", "crmLinked"), ("crm", .string(kind.rawValue))]
        case .crmUnlinked(let kind, let dropped):
            fields = [("type", "crmUnlinked"), ("crm", .string(kind.rawValue)), ("dropped", .int(dropped))]
        case .crmDelivered(let id, let item, let action):
            fields = [
                ("type", "crmDelivered"), ("contactId", .string(id)), ("item", .int(item)), ("action", .string(action)),
            ]
        case .crmDeliveryFailed(let id, let item, let status, let error, let retryAt):
            fields = [("type", "crmDeliveryFailed"), ("contactId", .string(id)), ("item", .int(item))]
            if let status { fields.append(("status", .int(Int64(status)))) }
            fields.append(("error", .string(error)))
            fields.append(("retryAt", retryAt.map { .string($0.rfc3339) } ?? .null))
        case .crmRetryScheduled(let id, let item):
            fields = [("type", "crmRetryScheduled"), ("contactId", .string(id)), ("item", .int(item))]
        case .passwordUndelivered(let id, let item):
            fields = [("type", "passwordUndelivered"), ("contactId", .string(id)), ("item", .int(item))]
        }
        return .object(fields)
    }

    private static func team(_ key: TeamKey) -> [(key: String, value: JSONValue)] {
        [("teamId", .string(key.programID)), ("leaderContactId", .string(key.leaderContactID))]
    }

    private static func subscription(_ key: SubscriptionKey) -> [(key: String, value: JSONValue)] {
        [("contactId", .string(key.contactID)), ("productId", .string(key.productID))]
    }
}

extension Outcome {
    /// The outcome as the server answers it: `{"seq":N,"outcome":"applied","reason":…,"effects":[…]}`, with
    /// `duplicateOf`, `coupon`, `contacts`, `warnings` and `transitions` when they apply.
    public func json(seq: Int64) -> JSONValue {
        var fields: [(key: String, value: JSONValue)] = [("seq", .int(seq)), ("outcome", .string(status.rawValue))]
        if let reason { fields.append(("reason", .string(reason.description))) }
        if let duplicateOf { fields.append(("duplicateOf", .int(duplicateOf))) }
        if let coupon { fields.append(("coupon", .string(coupon))) }
        fields.append(("effects", .array(effects.map(\.json))))
        if !transitions.isEmpty {
            fields.append(
                (
                    "transitions",
                    .array(
                        transitions.map {
                            .object([("at", .string($0.effectiveAt.rfc3339)), ("effect", $0.effect.json)])
                        })
                ))
        }
        if !contactResults.isEmpty {
            fields.append(
                (
                    "contacts",
                    .array(
                        contactResults.map { result in
                            var entry: [(key: String, value: JSONValue)] = [
                                ("contactId", .string(result.contactID)), ("outcome", .string(result.status.rawValue)),
                            ]
                            if let reason = result.reason { entry.append(("reason", .string(reason.description))) }
                            return .object(entry)
                        })
                ))
        }
        if !warnings.isEmpty { fields.append(("warnings", .strings(warnings))) }
        if queued.contains(where: { $0.action == .pull }) { fields.append(("pull", "queued")) }
        if !queued.isEmpty { fields.append(("queued", .array(queued.map { .int($0.id) }))) }
        return .object(fields)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}
