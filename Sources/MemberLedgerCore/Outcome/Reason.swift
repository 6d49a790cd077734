/// Why an event was rejected, or why it changed nothing. Each case carries what a user needs to fix the
/// request or understand the log, and its description says it in plain words.
public enum Reason: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: Rejections: the request is recorded but not applied.

    /// The contact is not a member; only genpass and import create members.
    case unknownMember(contactID: String)
    /// The request names no contact.
    case missingContactID
    /// A required parameter is absent or empty.
    case missingParameter(name: String)
    /// A parameter has a value the command cannot use.
    case invalidParameter(name: String, value: String, expected: String)
    /// No custom operation has this id.
    case unknownCustomOperation(id: String)
    /// No team program has this id.
    case unknownTeamProgram(id: String)
    /// The team program has no interaction with this id.
    case unknownInteraction(programID: String, id: String)
    /// No product has this id.
    case unknownProduct(id: String)
    /// No promo has this id.
    case unknownPromo(id: String)
    /// A custom operation's `then` chain loops (only a hand-made catalog can get here).
    case operationCycle(id: String)
    /// `addToField` met a value that is not a whole number.
    case notAnInteger(field: String, value: String)
    /// `addToField` would overflow a 64-bit integer.
    case fieldOverflow(field: String)
    /// A genpass for a new contact came without a generated password hash.
    case missingPasswordHash(contactID: String)
    /// A coupon had to be issued but the event carries no random bytes to derive its code.
    case missingEntropy
    /// The contact is already on another team of this program.
    case alreadyOnTeam(contactID: String, team: TeamKey)
    /// The contact is on no team of this program.
    case notOnTeam(contactID: String, programID: String)
    /// The contact leads no team of this program.
    case notTeamLeader(contactID: String, programID: String)
    /// No team of this program is led by this contact.
    case teamNotFound(team: TeamKey)
    /// The contact leads the team, so cannot be removed from it.
    case isTeamLeader(contactID: String, team: TeamKey)
    /// Every seat on the team is taken.
    case noFreeSeat(team: TeamKey, seats: Int)
    /// The change would leave fewer seats than members.
    case seatsBelowMembers(team: TeamKey, requestedSeats: Int, members: Int)
    /// The contact has no subscription to the product.
    case noSubscription(subscription: SubscriptionKey)
    /// The subscription's status does not allow the action.
    case subscriptionNotAllowed(subscription: SubscriptionKey, status: SubscriptionStatus, action: String)
    /// The action needs Stripe; PayPal subscriptions cannot do it.
    case notSupportedForPayPal(subscription: SubscriptionKey, action: String)
    /// A new order for a product the contact already subscribes to.
    case subscriptionAlreadyRunning(subscription: SubscriptionKey, status: SubscriptionStatus)
    /// An amount that must be positive was not.
    case invalidAmount(Int64)
    /// No coupon has this code.
    case couponNotFound(code: String)
    /// The coupon belongs to another member.
    case couponNotOwned(code: String, contactID: String)
    /// The coupon was already used.
    case couponAlreadyRedeemed(code: String, at: Timestamp)
    /// The coupon expired before it was used.
    case couponExpired(code: String, at: Timestamp)
    /// A catalog that breaks the catalog's rules.
    case invalidCatalog(CatalogError)
    /// No outbox item (pending or dead) has this id.
    case unknownOutboxItem(id: Int64)

    // MARK: Unchanged: the request is valid and already satisfied.

    /// Only the contact id came with the request (Ontraport's default post data).
    case noContactData(contactID: String)
    /// The contact already leads a team of this program.
    case alreadyLeadsTeam(team: TeamKey)
    /// The contact is already on this very team.
    case alreadyTeamMember(contactID: String, team: TeamKey)
    /// The contact holds an unused, unexpired coupon of this promo; the answer repeats its code.
    case couponAlreadyHeld(code: String)
    /// The subscription is already in the status the command asks for.
    case alreadyInStatus(subscription: SubscriptionKey, status: SubscriptionStatus)
    /// There is no outstanding balance to charge.
    case noBalance(subscription: SubscriptionKey)
    /// A payment arrived with no balance to pay and no active period to renew.
    case nothingToRenew(subscription: SubscriptionKey, status: SubscriptionStatus)
    /// The request asks for what the state already is.
    case nothingToChange
    /// A delivery report or pull for an item no longer in the outbox (already delivered, or dropped).
    case outboxItemNotQueued(id: Int64)
    /// The ledger is already linked to exactly this CRM account.
    case crmAlreadyLinked(kind: CRMKind)
    /// The ledger is linked to no CRM.
    case noCRMLinked

    public var description: String {
        switch self {
        case .unknownMember(let id):
            "contact \(id) is not a member; create members with aal_genpass (or an import) first"
        case .missingContactID:
            "the request names no contact id"
        case .missingParameter(let name):
            "parameter \(name) is required"
        case .invalidParameter(let name, let value, let expected):
            "parameter \(name) must be \(expected), got \"\(value)\""
        case .unknownCustomOperation(let id):
            "no custom operation with operationId \(id) in the catalog"
        case .unknownTeamProgram(let id):
            "no team program with teamId \(id) in the catalog"
        case .unknownInteraction(let programID, let id):
            "team program \(programID) has no interaction with opId \(id)"
        case .unknownProduct(let id):
            "no product with productId \(id) in the catalog"
        case .unknownPromo(let id):
            "no promo with promoId \(id) in the catalog"
        case .operationCycle(let id):
            "custom operation \(id) runs again through its own `then` chain"
        case .notAnInteger(let field, let value):
            "field \(field) holds \"\(value)\", which is not a whole number; nothing was changed"
        case .fieldOverflow(let field):
            "field \(field) would overflow a 64-bit integer; nothing was changed"
        case .missingPasswordHash(let id):
            "contact \(id) is new but the event carries no generated password hash"
        case .missingEntropy:
            "a coupon must be issued but the event carries no generated random bytes"
        case .alreadyOnTeam(let id, let team):
            "contact \(id) is already on team \(team) of this program; a contact is on at most one team per program"
        case .notOnTeam(let id, let programID):
            "contact \(id) is on no team of program \(programID)"
        case .notTeamLeader(let id, let programID):
            "contact \(id) leads no team of program \(programID)"
        case .teamNotFound(let team):
            "no team of program \(team.programID) is led by contact \(team.leaderContactID)"
        case .isTeamLeader(let id, let team):
            "contact \(id) leads team \(team); a leader is not removed, delete the team with aal_deleteteam"
        case .noFreeSeat(let team, let seats):
            "team \(team) has all \(seats) seats taken"
        case .seatsBelowMembers(let team, let requested, let members):
            "team \(team) cannot have \(requested) seats: it has \(members) members"
        case .noSubscription(let key):
            "contact \(key.contactID) has no subscription to product \(key.productID)"
        case .subscriptionNotAllowed(let key, let status, let action):
            "cannot \(action) subscription \(key): it is \(status.rawValue)"
        case .notSupportedForPayPal(let key, let action):
            "cannot \(action) subscription \(key): not supported for PayPal"
        case .subscriptionAlreadyRunning(let key, let status):
            "contact \(key.contactID) already has a \(status.rawValue) subscription to product \(key.productID)"
        case .invalidAmount(let amount):
            "amount must be a positive number of minor units, got \(amount)"
        case .couponNotFound(let code):
            "no coupon with code \(code)"
        case .couponNotOwned(let code, let id):
            "coupon \(code) does not belong to contact \(id)"
        case .couponAlreadyRedeemed(let code, let at):
            "coupon \(code) was already redeemed at \(at)"
        case .couponExpired(let code, let at):
            "coupon \(code) expired at \(at)"
        case .invalidCatalog(let error):
            "\(error)"
        case .unknownOutboxItem(let id):
            "no outbox item \(id); `memberledger outbox` lists them"
        case .noContactData(let id):
            "no contact data came with the request for contact \(id) (only the id); nothing to sync"
        case .alreadyLeadsTeam(let team):
            "contact \(team.leaderContactID) already leads team \(team)"
        case .alreadyTeamMember(let id, let team):
            "contact \(id) is already on team \(team)"
        case .couponAlreadyHeld(let code):
            "the contact already holds unused coupon \(code) of this promo"
        case .alreadyInStatus(let key, let status):
            "subscription \(key) is already \(status.rawValue)"
        case .noBalance(let key):
            "subscription \(key) has no outstanding balance"
        case .nothingToRenew(let key, let status):
            "subscription \(key) is \(status.rawValue) with no balance; the payment renews nothing"
        case .nothingToChange:
            "the state already is what the request asks for"
        case .outboxItemNotQueued(let id):
            "outbox item \(id) is no longer queued (delivered or dropped before this report)"
        case .crmAlreadyLinked(let kind):
            "already linked to this \(kind.displayName) account"
        case .noCRMLinked:
            "no CRM is linked"
        }
    }
}
