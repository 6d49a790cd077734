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
        // Members straight into the table, sized once: a million of them make rehashing and an
        // intermediate array the larger part of loading a snapshot.
        let memberCount = try decoder.count()
        members.reserveCapacity(memberCount)
        for _ in 0..<memberCount {
            let contactID = try decoder.string()
            let member = Member(
                contactID: contactID, email: try decoder.optionalString(), firstName: try decoder.optionalString(),
                lastName: try decoder.optionalString(),
                tags: TagSet(try decoder.list { (d) throws(CanonicalDecoder.Failure) in try d.string() }),
                fields: FieldMap(
                    fields: try decoder.list { (d) throws(CanonicalDecoder.Failure) in
                        FieldMap.Field(key: try d.string(), value: try d.string())
                    }),
                passwordHash: try decoder.optionalString(),
                joinedAt: try decoder.timestamp())
            guard members.insertNew(member) else {
                throw CanonicalDecoder.Failure(offset: decoder.offset, expected: "members with distinct ids")
            }
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
        for (fingerprint, seq, at) in try decoder.list({ (d) throws(CanonicalDecoder.Failure) in
            (try d.string(), try d.int64(), try d.timestamp())
        }) {
            recentKeys.record(fingerprint, seq: seq, at: at)
        }
        if !decoder.isAtEnd { crm = try CRMState(decoder: &decoder) }
        guard decoder.isAtEnd else { throw CanonicalDecoder.Failure(offset: decoder.offset, expected: "the end") }
        try checkInvariants()
        rebuildDerivedTables()
    }

    /// The invariants the reducer keeps, checked on decoded bytes: bytes from disk are refused when they
    /// break one, instead of stopping the program later in a precondition.
    private func checkInvariants() throws(CanonicalDecoder.Failure) {
        func broken(_ what: String) -> CanonicalDecoder.Failure {
            CanonicalDecoder.Failure(offset: 0, expected: "a state that keeps its invariants (\(what))")
        }
        guard clock >= lastRecordedAt else { throw broken("clock before the last event") }
        var seats = Set<TeamSeat>()
        for team in teams.values {
            guard team.seats >= 0, team.members.count <= team.seats, !team.members.contains(team.key.leaderContactID)
            else {
                throw broken("team \(team.key) over its seats")
            }
            for contact in [team.key.leaderContactID] + Array(team.members) {
                guard seats.insert(TeamSeat(programID: team.key.programID, contactID: contact)).inserted else {
                    throw broken("contact \(contact) on two teams of program \(team.key.programID)")
                }
            }
        }
        var holders = Set<CouponHolder>()
        for coupon in coupons.values where coupon.status == .issued {
            guard holders.insert(CouponHolder(contactID: coupon.contactID, promoID: coupon.promoID)).inserted else {
                throw broken("two unused coupons of promo \(coupon.promoID) for \(coupon.contactID)")
            }
        }
        for subscription in subscriptions.values where subscription.balance < 0 || subscription.periodsPaid < 1 {
            throw broken("subscription \(subscription.key) with a negative balance or no paid period")
        }
        for entry in recentFingerprints.entries + recentKeys.entries where entry.sighting.seq > lastSeq {
            throw broken("a fingerprint from seq \(entry.sighting.seq), after the last event")
        }
    }
}
