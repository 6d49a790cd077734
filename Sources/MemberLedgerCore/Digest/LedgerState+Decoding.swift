/// Rebuilding a state from its canonical bytes, as a snapshot stores them. The inverse of
/// `canonicalBytes`: `LedgerState(canonicalBytes: s.canonicalBytes) == s` for every state.
extension LedgerState {
    /// Decodes canonical bytes and rebuilds the derived tables.
    public init(canonicalBytes bytes: [UInt8]) throws(CanonicalDecoder.Failure) {
        var decoder = CanonicalDecoder(bytes)
        guard try decoder.byteArray() == Self.canonicalMagic else {
            throw CanonicalDecoder.Failure(offset: 0, expected: "the state magic")
        }
        self.init()
        lastSeq = try decoder.int64()
        lastRecordedAt = try decoder.timestamp()
        clock = try decoder.timestamp()
        let catalogStart = decoder.offset
        let catalogBytes = try decoder.byteArray()
        do {
            catalog = try Catalog(shapeOf: try JSONParser.parse(catalogBytes), path: "")
        } catch {
            throw CanonicalDecoder.Failure(offset: catalogStart, expected: "the catalog's JSON (\(error))")
        }
        for member in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            Member(
                contactID: try d.string(), email: try d.optionalString(), firstName: try d.optionalString(),
                lastName: try d.optionalString(),
                tags: Set(try d.list { (d) throws(CanonicalDecoder.Failure) in try d.string() }),
                fields: try d.pairs(), passwordHash: try d.optionalString(), joinedAt: try d.timestamp())
        }) {
            members[member.contactID] = member
        }
        for team in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            Team(
                key: TeamKey(programID: try d.string(), leaderContactID: try d.string()), seats: try d.int(),
                members: Set(try d.list { (d) throws(CanonicalDecoder.Failure) in try d.string() }),
                createdAt: try d.timestamp())
        }) {
            teams[team.key] = team
        }
        for subscription in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            let key = SubscriptionKey(contactID: try d.string(), productID: try d.string())
            let gateway = try d.enumeration(Gateway.self)
            let status = try d.enumeration(SubscriptionStatus.self)
            let amount = try d.int64()
            let currency = try d.string()
            let balance = try d.int64()
            let startedAt = try d.timestamp()
            let periodStart = d.offset
            guard let period = BillingPeriod(catalogValue: try d.string()) else {
                throw CanonicalDecoder.Failure(offset: periodStart, expected: "a billing period")
            }
            return Subscription(
                key: key, gateway: gateway, status: status, amount: amount, currency: currency, balance: balance,
                startedAt: startedAt, period: period, periodsPaid: try d.int(), stoppedAt: try d.optionalTimestamp())
        }) {
            subscriptions[subscription.key] = subscription
        }
        for coupon in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            Coupon(
                code: try d.string(), promoID: try d.string(), contactID: try d.string(), issuedAt: try d.timestamp(),
                expiresAt: try d.timestamp(), status: try d.enumeration(CouponStatus.self),
                redeemedAt: try d.optionalTimestamp())
        }) {
            coupons[coupon.code] = coupon
        }
        for (fingerprint, seq, at) in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            (try d.string(), try d.int64(), try d.timestamp())
        }) {
            recentFingerprints.record(fingerprint, seq: seq, at: at)
        }
        guard decoder.isAtEnd else { throw CanonicalDecoder.Failure(offset: decoder.offset, expected: "the end") }
        rebuildDerivedTables()
    }
}
