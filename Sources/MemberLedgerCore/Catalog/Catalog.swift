/// The site's configuration the rules read: custom operations, team programs, subscription products and
/// coupon promos, plus the dedup window. It changes only through a recorded `catalog.updated` event, so
/// replay always sees the catalog that was in force when each event was recorded.
public struct Catalog: Sendable, Hashable {
    /// Operations `aal_fieldop` can run, by `operationId`.
    public var customOperations: [CustomOperation]
    /// Team programs, by `teamId`.
    public var teamPrograms: [TeamProgram]
    /// Subscription products, by `productId`.
    public var products: [Product]
    /// Coupon promos, by `promoId`.
    public var promos: [Promo]
    /// Seconds of recorded time within which an event whose command fingerprint was already seen is a
    /// duplicate.
    public var dedupWindowSeconds: Int64
    /// Seconds within which a delivery whose idempotency key (a header, a Kit event id) was already seen is
    /// a duplicate: long, because senders retry for days (Kit for 41 hours, HubSpot for 3 days).
    public var idempotencyWindowSeconds: Int64

    /// The dedup window when a catalog does not set one.
    public static let defaultDedupWindowSeconds: Int64 = 60
    /// The idempotency-key window when a catalog does not set one: 3 days.
    public static let defaultIdempotencyWindowSeconds: Int64 = 3 * 86_400

    /// The longest dedup window a catalog may set: 30 days.
    public static let maximumDedupWindowSeconds: Int64 = 30 * 86_400
    /// The longest a promo's coupons may stay valid: 100 years, as for billing periods.
    public static let maximumValidDays = 36_600

    /// The catalog of a fresh ledger: nothing configured, default dedup window.
    public static let empty = Catalog()

    /// Creates a catalog.
    public init(
        customOperations: [CustomOperation] = [], teamPrograms: [TeamProgram] = [], products: [Product] = [],
        promos: [Promo] = [], dedupWindowSeconds: Int64 = Catalog.defaultDedupWindowSeconds,
        idempotencyWindowSeconds: Int64 = Catalog.defaultIdempotencyWindowSeconds
    ) {
        self.customOperations = customOperations
        self.teamPrograms = teamPrograms
        self.products = products
        self.promos = promos
        self.dedupWindowSeconds = dedupWindowSeconds
        self.idempotencyWindowSeconds = idempotencyWindowSeconds
    }

    /// The window for a fingerprint: idempotency keys (`key:`) are remembered longer than commands.
    public func dedupWindow(for fingerprint: String) -> Int64 {
        fingerprint.hasPrefix("key:") ? idempotencyWindowSeconds : dedupWindowSeconds
    }

    /// The custom operation with this id.
    public func customOperation(_ id: String) -> CustomOperation? { customOperations.first { $0.id == id } }
    /// The team program with this id.
    public func teamProgram(_ id: String) -> TeamProgram? { teamPrograms.first { $0.id == id } }
    /// The product with this id.
    public func product(_ id: String) -> Product? { products.first { $0.id == id } }
    /// The promo with this id.
    public func promo(_ id: String) -> Promo? { promos.first { $0.id == id } }

    /// Checks the rules a catalog must keep: unique ids per kind, every reference resolves, values in
    /// range, and no `then` chain loops (a loop would otherwise run forever).
    public func validate() throws(CatalogError) {
        try Self.requireUnique(customOperations.map(\.id), kind: "custom operation")
        try Self.requireUnique(teamPrograms.map(\.id), kind: "team program")
        try Self.requireUnique(products.map(\.id), kind: "product")
        try Self.requireUnique(promos.map(\.id), kind: "promo")
        if !(0...Self.maximumDedupWindowSeconds).contains(dedupWindowSeconds) {
            throw Self.invalid(
                "dedupWindowSeconds", "must be from 0 to \(Self.maximumDedupWindowSeconds) seconds (30 days)")
        }
        if !(0...Self.maximumDedupWindowSeconds).contains(idempotencyWindowSeconds) {
            throw Self.invalid(
                "idempotencyWindowSeconds", "must be from 0 to \(Self.maximumDedupWindowSeconds) seconds (30 days)")
        }
        for (index, operation) in customOperations.enumerated() {
            try validate(operation, at: "customOperations[\(index)]", isInteraction: false)
        }
        for (index, program) in teamPrograms.enumerated() {
            let path = "teamPrograms[\(index)]"
            if program.seats < 0 { throw Self.invalid("\(path).seats", "must be 0 or more") }
            try Self.requireUnique(program.interactions.map(\.id), kind: "interaction of team program \(program.id)")
            for (interactionIndex, interaction) in program.interactions.enumerated() {
                try validate(interaction, at: "\(path).interactions[\(interactionIndex)]", isInteraction: true)
            }
        }
        for (index, promo) in promos.enumerated() {
            if !(1...Self.maximumValidDays).contains(promo.validDays) {
                throw Self.invalid("promos[\(index)].validDays", "must be from 1 to \(Self.maximumValidDays) days")
            }
            if !(1...100).contains(promo.percentOff) {
                throw Self.invalid("promos[\(index)].percentOff", "must be from 1 to 100")
            }
            if promo.field.isEmpty { throw Self.invalid("promos[\(index)].field", "must name a field") }
        }
    }

    /// Checks an operation's actions and its `then`. An interaction's id lives in its program's own
    /// namespace, so only a custom operation's id can close a loop of `then`.
    private func validate(_ operation: CustomOperation, at path: String, isInteraction: Bool) throws(CatalogError) {
        for (index, action) in operation.actions.enumerated() {
            let actionPath = "\(path).actions[\(index)]"
            switch action {
            case .addToField(let field, _), .setField(let field, _):
                if field.isEmpty { throw Self.invalid(actionPath, "field name must not be empty") }
            case .applyTags, .removeTags:
                break
            case .generateCoupon(let promoID):
                if promo(promoID) == nil {
                    throw .unknownReference(path: "\(actionPath).generateCoupon.promoId", kind: "promo", id: promoID)
                }
            case .changeTeamSize(let programID, let change):
                if teamProgram(programID) == nil {
                    throw .unknownReference(
                        path: "\(actionPath).changeTeamSize.teamProgramId", kind: "team program", id: programID)
                }
                if change == 0 { throw Self.invalid("\(actionPath).changeTeamSize.change", "must not be 0") }
            case .subscription(_, let productID):
                if product(productID) == nil {
                    throw .unknownReference(
                        path: "\(actionPath).subscription.productId", kind: "product", id: productID)
                }
            }
        }
        guard let next = operation.then else { return }
        guard customOperation(next) != nil else {
            throw .unknownReference(path: "\(path).then", kind: "custom operation", id: next)
        }
        var chain = isInteraction ? [] : [operation.id]
        var current = next
        while true {
            if let loopStart = chain.firstIndex(of: current) {
                throw .cycle(Array(chain[loopStart...]))
            }
            chain.append(current)
            guard let following = customOperation(current)?.then else { return }
            current = following
        }
    }

    private static func requireUnique(_ ids: [String], kind: String) throws(CatalogError) {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted {
            throw .duplicateID(kind: kind, id: id)
        }
    }

    private static func invalid(_ path: String, _ why: String) -> CatalogError {
        .shape(ShapeError(path: path, problem: .invalidValue(why)))
    }
}
