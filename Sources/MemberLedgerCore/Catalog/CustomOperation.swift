/// A named list of actions the site runs on one contact: AccessAlly's "Custom Operation", triggered by
/// `aal_fieldop`, and, scoped to a team program, a team "Interaction" triggered by `aal_teamops`.
///
/// Rule: the actions run in order, then the operation named by `then`; the whole run is atomic, so one
/// failing action leaves the member exactly as before.
public struct CustomOperation: Sendable, Hashable {
    /// The id a webhook names (`operationId`, or `opId` for an interaction).
    public var id: String
    /// A human name for logs.
    public var name: String
    /// What the operation does, in order.
    public var actions: [Action]
    /// The id of a custom operation to run afterwards, if any; chains may not loop.
    public var then: String?

    /// Creates an operation.
    public init(id: String, name: String, actions: [Action], then: String? = nil) {
        self.id = id
        self.name = name
        self.actions = actions
        self.then = then
    }

    /// One step of a custom operation.
    public enum Action: Sendable, Hashable {
        /// Adds `amount` (negative subtracts) to an integer field; an empty or missing field counts as 0.
        case addToField(field: String, amount: Int64)
        /// Sets a field to a value.
        case setField(field: String, value: String)
        /// Applies tags that the member lacks.
        case applyTags([String])
        /// Removes tags that the member has.
        case removeTags([String])
        /// Issues a coupon of the promo to the member (or keeps the unused one they hold).
        case generateCoupon(promoID: String)
        /// Changes the seats of the team the member leads in that program.
        case changeTeamSize(teamProgramID: String, change: Int)
        /// Runs a subscription action on the member's subscription to the product.
        case subscription(SubscriptionAction, productID: String)
    }
}

/// What a custom operation may do to a subscription; each is the same rule as the matching webhook.
public enum SubscriptionAction: String, Sendable, Hashable, CaseIterable {
    /// As `aal_cancelsubscription`.
    case cancel
    /// As `aal_revokesubscription`.
    case revoke
    /// As `aal_adminstopsubscription`.
    case pause
    /// As `aal_chargesubscription`.
    case charge
}
