/// The fourteen AccessAlly webhook commands, named by the query key a CRM puts in the URL
/// (`/?aal_genpass=HANDSHAKE`).
public enum WebhookOperation: String, Sendable, Hashable, CaseIterable {
    /// Create a member with a generated password, or update an existing one without touching the password.
    case genpass = "aal_genpass"
    /// Sync a member's tags, fields and profile from the CRM.
    case updateUser = "aal_updateuser"
    /// Deprecated: sync several contacts in one request, each as `aal_updateuser`.
    case batchSync = "aal_batchsync"
    /// Run a custom operation (`operationId`).
    case fieldOperation = "aal_fieldop"
    /// Start a team of a program (`teamId`) led by the contact.
    case initiateTeam = "aal_initiateteam"
    /// Delete the team the contact leads (`teamId`), revoking everyone on it.
    case deleteTeam = "aal_deleteteam"
    /// Take the contact off their team (`teamId`), freeing the seat.
    case removeTeam = "aal_removeteam"
    /// Change the seats of the team the contact leads (`teamId`, `change`).
    case updateTeam = "aal_updateteam"
    /// Run a team interaction (`teamId`, `opId`) on the contact.
    case teamOperation = "aal_teamops"
    /// Issue the contact a one-time coupon of a promo (`promoId`).
    case createCoupon = "aal_createcoupon"
    /// Stop a subscription now and apply its revoke tags (`productId`).
    case revokeSubscription = "aal_revokesubscription"
    /// Stop payments; revoke access at the period end (`productId`).
    case cancelSubscription = "aal_cancelsubscription"
    /// Pause payments, keeping access (`productId`); Stripe only.
    case adminStopSubscription = "aal_adminstopsubscription"
    /// Charge the outstanding balance (`productId`); Stripe only.
    case chargeSubscription = "aal_chargesubscription"

    /// The parameters the command needs besides the contact, in the order the URL generator writes them.
    public var requiredParameters: [String] {
        switch self {
        case .genpass, .updateUser, .batchSync: []
        case .fieldOperation: ["operationId"]
        case .initiateTeam, .deleteTeam, .removeTeam: ["teamId"]
        case .updateTeam: ["teamId", "change"]
        case .teamOperation: ["teamId", "opId"]
        case .createCoupon: ["promoId"]
        case .revokeSubscription, .cancelSubscription, .adminStopSubscription, .chargeSubscription: ["productId"]
        }
    }
}
