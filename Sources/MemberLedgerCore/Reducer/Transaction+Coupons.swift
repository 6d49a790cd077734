/// Coupon rules: one unused coupon per member and promo, a code derived from the event's recorded random
/// bytes, redeemed once, by its holder, before it expires.
extension Transaction {
    /// `aal_createcoupon` and the `generateCoupon` action: issue a coupon of the promo expiring `validDays`
    /// from now and write its code to the promo's field; a member who holds an unused one keeps it.
    mutating func issueCoupon(promoID: String, to contactID: String) throws(Reason) {
        try requireMember(contactID)
        guard let promo = state.catalog.promo(promoID) else { throw .unknownPromo(id: promoID) }
        let holder = CouponHolder(contactID: contactID, promoID: promoID)
        if let code = state.unusedCouponOfHolder[holder] {
            coupon = code
            note = .couponAlreadyHeld(code: code)
            return
        }
        let code = try deriveCouponCode()
        let expiresAt = now.adding(days: Int64(promo.validDays))
        setCoupon(Coupon(code: code, promoID: promoID, contactID: contactID, issuedAt: now, expiresAt: expiresAt))
        coupon = code
        record(.couponIssued(code: code, contactID: contactID, promoID: promoID, expiresAt: expiresAt))
        setField(promo.field, to: code, of: contactID)
    }

    /// `coupon.redeemed`: only the holder, only once, only before expiry.
    mutating func redeemCoupon(_ redeemed: CouponRedeemed) throws(Reason) {
        try requireMember(redeemed.contactID)
        guard var coupon = state.coupons[redeemed.code] else { throw .couponNotFound(code: redeemed.code) }
        guard coupon.contactID == redeemed.contactID else {
            throw .couponNotOwned(code: coupon.code, contactID: redeemed.contactID)
        }
        switch coupon.status {
        case .redeemed: throw .couponAlreadyRedeemed(code: coupon.code, at: coupon.redeemedAt ?? coupon.issuedAt)
        case .expired: throw .couponExpired(code: coupon.code, at: coupon.expiresAt)
        case .issued: break
        }
        coupon.status = .redeemed
        coupon.redeemedAt = now
        setCoupon(coupon)
        record(.couponRedeemed(code: coupon.code, contactID: coupon.contactID))
    }

    /// The time transition of an unused coupon at its expiry.
    mutating func expireCoupon(_ code: String) {
        guard var coupon = state.coupons[code], coupon.status == .issued, coupon.expiresAt <= now else { return }
        coupon.status = .expired
        setCoupon(coupon)
        record(.couponExpired(code: code, contactID: coupon.contactID))
    }
}
