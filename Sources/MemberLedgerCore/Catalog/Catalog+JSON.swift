// The catalog's JSON shape is a public contract: admins write it by hand and it is recorded in the
// journal. Reading is strict (unknown keys are errors naming the key); writing uses the same keys in a
// fixed order, so the same catalog always gives the same bytes.

extension Catalog {
    /// Parses and validates a catalog document.
    public init(jsonText: String) throws(CatalogError) {
        try self.init(json: parseJSON(Array(jsonText.utf8), orThrow: CatalogError.invalidJSON))
    }

    /// Reads and validates a catalog from parsed JSON.
    public init(json: JSONValue) throws(CatalogError) {
        self = try readShape(orThrow: CatalogError.shape) { () throws(ShapeError) in
            try Catalog(shapeOf: json, path: "")
        }
        try validate()
    }

    /// Reads a catalog's shape without validating its rules: a recorded `catalog.updated` event must
    /// decode even when the catalog it carries is one the reducer will refuse.
    init(shapeOf json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        self.init(
            customOperations: try reader.elements("customOperations").map { (value, path) throws(ShapeError) in
                try CustomOperation(json: value, path: path)
            },
            teamPrograms: try reader.elements("teamPrograms").map { (value, path) throws(ShapeError) in
                try TeamProgram(json: value, path: path)
            },
            products: try reader.elements("products").map { (value, path) throws(ShapeError) in
                try Product(json: value, path: path)
            },
            promos: try reader.elements("promos").map { (value, path) throws(ShapeError) in
                try Promo(json: value, path: path)
            },
            dedupWindowSeconds: try reader.optionalInt64("dedupWindowSeconds") ?? Catalog.defaultDedupWindowSeconds,
            idempotencyWindowSeconds: try reader.optionalInt64("idempotencyWindowSeconds")
                ?? Catalog.defaultIdempotencyWindowSeconds
        )
        try reader.finish()
    }

    /// The catalog as JSON, in the documented shape and key order.
    public var json: JSONValue {
        var top: [(key: String, value: JSONValue)] = [
            ("customOperations", .array(customOperations.map(\.json))),
            ("teamPrograms", .array(teamPrograms.map(\.json))),
            ("products", .array(products.map(\.json))),
            ("promos", .array(promos.map(\.json))),
        ]
        if dedupWindowSeconds != Catalog.defaultDedupWindowSeconds {
            top.append(("dedupWindowSeconds", .int(dedupWindowSeconds)))
        }
        if idempotencyWindowSeconds != Catalog.defaultIdempotencyWindowSeconds {
            top.append(("idempotencyWindowSeconds", .int(idempotencyWindowSeconds)))
        }
        return .object(top)
    }
}

extension JSONValue {
    /// A JSON array of strings.
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}

extension CustomOperation {
    init(json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        self.init(
            id: try reader.string("id"),
            name: try reader.string("name"),
            actions: try reader.elements("actions").map { (value, path) throws(ShapeError) in
                try Action(json: value, path: path)
            },
            then: try reader.optionalString("then")
        )
        try reader.finish()
    }

    var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("name", .string(name)), ("actions", .array(actions.map(\.json))),
        ]
        if let then { fields.append(("then", .string(then))) }
        return .object(fields)
    }
}

extension CustomOperation.Action {
    init(json: JSONValue, path: String) throws(ShapeError) {
        let outer = try ObjectReader(json, path: path)
        guard outer.keys.count == 1, let kind = outer.keys.first else {
            throw ShapeError(
                path: path,
                problem: .invalidValue(
                    "an action is an object with exactly one key (addToField, setField, applyTags, removeTags, "
                        + "generateCoupon, changeTeamSize, subscription), found \(outer.keys.count)"))
        }
        var top = outer
        let body = try top.value(kind)
        let bodyPath = top.path(of: kind)
        switch kind {
        case "applyTags", "removeTags":
            let tags = try ObjectReader.strings(body, at: bodyPath)
            self = kind == "applyTags" ? .applyTags(tags) : .removeTags(tags)
        case "addToField":
            var reader = try ObjectReader(body, path: bodyPath)
            self = .addToField(field: try reader.string("field"), amount: try reader.int64("amount"))
            try reader.finish()
        case "setField":
            var reader = try ObjectReader(body, path: bodyPath)
            self = .setField(field: try reader.string("field"), value: try reader.string("value"))
            try reader.finish()
        case "generateCoupon":
            var reader = try ObjectReader(body, path: bodyPath)
            self = .generateCoupon(promoID: try reader.string("promoId"))
            try reader.finish()
        case "changeTeamSize":
            var reader = try ObjectReader(body, path: bodyPath)
            self = .changeTeamSize(teamProgramID: try reader.string("teamProgramId"), change: try reader.int("change"))
            try reader.finish()
        case "subscription":
            var reader = try ObjectReader(body, path: bodyPath)
            let actionName = try reader.string("action")
            guard let action = SubscriptionAction(rawValue: actionName) else {
                throw ShapeError(
                    path: reader.path(of: "action"),
                    problem: .invalidValue("is not one of cancel, revoke, pause, charge", value: actionName))
            }
            self = .subscription(action, productID: try reader.string("productId"))
            try reader.finish()
        default:
            throw ShapeError(path: path, problem: .unknownKey(kind))
        }
    }

    var json: JSONValue {
        switch self {
        case .addToField(let field, let amount):
            .object([("addToField", .object([("field", .string(field)), ("amount", .int(amount))]))])
        case .setField(let field, let value):
            .object([("setField", .object([("field", .string(field)), ("value", .string(value))]))])
        case .applyTags(let tags):
            .object([("applyTags", .strings(tags))])
        case .removeTags(let tags):
            .object([("removeTags", .strings(tags))])
        case .generateCoupon(let promoID):
            .object([("generateCoupon", .object([("promoId", .string(promoID))]))])
        case .changeTeamSize(let programID, let change):
            .object([
                ("changeTeamSize", .object([("teamProgramId", .string(programID)), ("change", .int(change))]))
            ])
        case .subscription(let action, let productID):
            .object([
                ("subscription", .object([("action", .string(action.rawValue)), ("productId", .string(productID))]))
            ])
        }
    }
}

extension TeamProgram {
    init(json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        self.init(
            id: try reader.string("id"),
            name: try reader.string("name"),
            seats: try reader.int("seats"),
            leaderTags: try reader.optionalStringArray("leaderTags") ?? [],
            memberTags: try reader.optionalStringArray("memberTags") ?? [],
            welcomeTags: try reader.optionalStringArray("welcomeTags") ?? [],
            revokeTags: try reader.optionalStringArray("revokeTags") ?? [],
            interactions: try reader.elements("interactions").map { (value, path) throws(ShapeError) in
                try CustomOperation(json: value, path: path)
            }
        )
        try reader.finish()
    }

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("seats", .int(seats)),
            ("leaderTags", .strings(leaderTags)), ("memberTags", .strings(memberTags)),
            ("welcomeTags", .strings(welcomeTags)), ("revokeTags", .strings(revokeTags)),
            ("interactions", .array(interactions.map(\.json))),
        ])
    }
}

extension Product {
    init(json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        let id = try reader.string("id")
        let name = try reader.string("name")
        let periodText = try reader.string("period")
        guard let period = BillingPeriod(catalogValue: periodText) else {
            throw ShapeError(
                path: reader.path(of: "period"),
                problem: .invalidValue("is not month, year or days:N (N ≥ 1)", value: periodText))
        }
        self.init(
            id: id, name: name, period: period,
            accessTags: try reader.optionalStringArray("accessTags") ?? [],
            pauseTags: try reader.optionalStringArray("pauseTags") ?? [],
            revokeTags: try reader.optionalStringArray("revokeTags") ?? [],
            failedPaymentTags: try reader.optionalStringArray("failedPaymentTags") ?? []
        )
        try reader.finish()
    }

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("period", .string(period.description)),
            ("accessTags", .strings(accessTags)), ("pauseTags", .strings(pauseTags)),
            ("revokeTags", .strings(revokeTags)), ("failedPaymentTags", .strings(failedPaymentTags)),
        ])
    }
}

extension Promo {
    init(json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        self.init(
            id: try reader.string("id"),
            name: try reader.string("name"),
            field: try reader.string("field"),
            validDays: try reader.int("validDays"),
            percentOff: try reader.int("percentOff")
        )
        try reader.finish()
    }

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("field", .string(field)),
            ("validDays", .int(validDays)), ("percentOff", .int(percentOff)),
        ])
    }
}
