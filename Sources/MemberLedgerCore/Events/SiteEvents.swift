/// A webhook request as recorded: the normalized command and what was generated for it.
public struct WebhookReceived: Sendable, Hashable {
    /// What the request asks for.
    public var command: WebhookCommand
    /// The password hash and random bytes made when it was recorded.
    public var generated: GeneratedValues
    /// The request as received, secrets redacted (absent for events built in code).
    public var request: RawRequest?

    /// Creates the fact.
    public init(command: WebhookCommand, generated: GeneratedValues = .none, request: RawRequest? = nil) {
        self.command = command
        self.generated = generated
        self.request = request
    }
}

/// The site took an order for a subscription product (`order.completed`).
public struct OrderCompleted: Sendable, Hashable {
    /// The buyer.
    public var contactID: String
    /// The product bought.
    public var productID: String
    /// Who collects the payments.
    public var gateway: Gateway
    /// Price of one period in minor units.
    public var amount: Int64
    /// ISO 4217 code.
    public var currency: String

    /// Creates the fact.
    public init(contactID: String, productID: String, gateway: Gateway, amount: Int64, currency: String) {
        self.contactID = contactID
        self.productID = productID
        self.gateway = gateway
        self.amount = amount
        self.currency = currency
    }
}

/// A subscription payment succeeded or failed (`payment.succeeded`, `payment.failed`).
public struct PaymentReported: Sendable, Hashable {
    /// The subscriber.
    public var contactID: String
    /// The product.
    public var productID: String
    /// The amount in minor units.
    public var amount: Int64

    /// Creates the fact.
    public init(contactID: String, productID: String, amount: Int64) {
        self.contactID = contactID
        self.productID = productID
        self.amount = amount
    }
}

/// A team leader added a contact to their team on the site (`team.member_added`).
public struct TeamMemberAdded: Sendable, Hashable {
    /// The team program (`teamId`).
    public var programID: String
    /// The team's leader.
    public var leaderContactID: String
    /// The contact added.
    public var contactID: String

    /// Creates the fact.
    public init(programID: String, leaderContactID: String, contactID: String) {
        self.programID = programID
        self.leaderContactID = leaderContactID
        self.contactID = contactID
    }
}

/// A member used a coupon at checkout (`coupon.redeemed`).
public struct CouponRedeemed: Sendable, Hashable {
    /// Who used it.
    public var contactID: String
    /// The code used.
    public var code: String

    /// Creates the fact.
    public init(contactID: String, code: String) {
        self.contactID = contactID
        self.code = code
    }
}

/// A member was brought in by a bulk import rather than a webhook (`member.imported`).
public struct MemberImported: Sendable, Hashable {
    /// The contact's data.
    public var contact: ContactData
    /// A password hash for a new member, if the import made one.
    public var passwordHash: String?

    /// Creates the fact.
    public init(contact: ContactData, passwordHash: String? = nil) {
        self.contact = contact
        self.passwordHash = passwordHash
    }
}
