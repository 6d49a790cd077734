/// A coupon template (AccessAlly "Promo Setup"): each member gets a one-time code of their own, written to
/// a CRM field and valid for a number of days.
public struct Promo: Sendable, Hashable {
    /// The id webhooks name as `promoId`.
    public var id: String
    /// A human name for logs.
    public var name: String
    /// The member field that receives the code, so CRM campaigns can merge it into emails.
    public var field: String
    /// Days from issue until the code expires (≥ 1).
    public var validDays: Int
    /// The discount, 1 to 100 percent.
    public var percentOff: Int

    /// Creates a promo.
    public init(id: String, name: String, field: String, validDays: Int, percentOff: Int) {
        self.id = id
        self.name = name
        self.field = field
        self.validDays = validDays
        self.percentOff = percentOff
    }
}
