/// A subscription product: how long a paid period lasts and which tags grant, pause and revoke access.
public struct Product: Sendable, Hashable {
    /// The id webhooks and orders name as `productId`.
    public var id: String
    /// A human name for logs.
    public var name: String
    /// The length of one paid period.
    public var period: BillingPeriod
    /// Applied when an order completes.
    public var accessTags: [String]
    /// Applied when the subscription is paused or cancelled (no further payments).
    public var pauseTags: [String]
    /// Applied when access ends: at once on revoke, at period end after a cancel.
    public var revokeTags: [String]
    /// Applied when a payment fails; removed once the outstanding balance is paid.
    public var failedPaymentTags: [String]

    /// Creates a product.
    public init(
        id: String, name: String, period: BillingPeriod, accessTags: [String] = [], pauseTags: [String] = [],
        revokeTags: [String] = [], failedPaymentTags: [String] = []
    ) {
        self.id = id
        self.name = name
        self.period = period
        self.accessTags = accessTags
        self.pauseTags = pauseTags
        self.revokeTags = revokeTags
        self.failedPaymentTags = failedPaymentTags
    }
}
