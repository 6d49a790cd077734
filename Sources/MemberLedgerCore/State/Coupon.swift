/// Where a coupon stands.
public enum CouponStatus: String, Sendable, Hashable, CaseIterable {
    /// Issued and usable until it expires.
    case issued
    /// Used once; cannot be used again.
    case redeemed
    /// Past its expiry without being used.
    case expired
}

/// A one-time code of a promo that belongs to one member.
///
/// Invariant: redeemed at most once, only by its holder, only before it expires.
public struct Coupon: Sendable, Hashable {
    /// The code, made of characters that cannot be mistaken for one another.
    public var code: String
    /// The promo it was issued from.
    public var promoID: String
    /// The member who may use it.
    public var contactID: String
    /// When it was issued.
    public var issuedAt: Timestamp
    /// The first instant at which it is no longer valid.
    public var expiresAt: Timestamp
    /// Where it stands.
    public var status: CouponStatus
    /// When it was redeemed, if it was.
    public var redeemedAt: Timestamp?

    /// Creates a coupon.
    public init(
        code: String, promoID: String, contactID: String, issuedAt: Timestamp, expiresAt: Timestamp,
        status: CouponStatus = .issued, redeemedAt: Timestamp? = nil
    ) {
        self.code = code
        self.promoID = promoID
        self.contactID = contactID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.status = status
        self.redeemedAt = redeemedAt
    }
}
