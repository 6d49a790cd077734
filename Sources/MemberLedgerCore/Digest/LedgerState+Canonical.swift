/// The canonical encoding of the whole state and its SHA-256 digest: what an auditor records and what a
/// snapshot must reproduce. `Docs/state-encoding.md` specifies it byte by byte.
extension LedgerState {
    /// The first bytes of every encoded state: names the format and its version.
    public static let canonicalMagic = Array("memberledger-state/1\n".utf8)

    /// The state in canonical bytes: magic, position, catalog (as its canonical JSON), then members, teams,
    /// subscriptions, coupons and recent fingerprints, each in canonical order, then the CRM link and outbox
    /// once a CRM was ever linked. Derived tables are left out.
    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.append(bytes: Self.canonicalMagic)
        encoder.append(lastSeq)
        encoder.append(lastRecordedAt)
        encoder.append(clock)
        encoder.append(bytes: JSONWriter.bytes(catalog.json))
        encoder.append(list: sortedMembers) { encoder, member in
            encoder.append(member.contactID)
            encoder.append(member.email)
            encoder.append(member.firstName)
            encoder.append(member.lastName)
            encoder.append(sorted: member.tags)
            encoder.append(fields: member.fields)
            encoder.append(member.passwordHash)
            encoder.append(member.joinedAt)
        }
        encoder.append(list: sortedTeams) { encoder, team in
            encoder.append(team.key.programID)
            encoder.append(team.key.leaderContactID)
            encoder.append(team.seats)
            encoder.append(sorted: team.members)
            encoder.append(team.createdAt)
        }
        encoder.append(list: sortedSubscriptions) { encoder, subscription in
            encoder.append(subscription.key.contactID)
            encoder.append(subscription.key.productID)
            encoder.append(subscription.gateway.rawValue)
            encoder.append(subscription.status.rawValue)
            encoder.append(subscription.amount)
            encoder.append(subscription.currency)
            encoder.append(subscription.balance)
            encoder.append(subscription.startedAt)
            encoder.append(subscription.period.description)
            encoder.append(subscription.periodsPaid)
            encoder.append(subscription.stoppedAt)
        }
        encoder.append(list: sortedCoupons) { encoder, coupon in
            encoder.append(coupon.code)
            encoder.append(coupon.promoID)
            encoder.append(coupon.contactID)
            encoder.append(coupon.issuedAt)
            encoder.append(coupon.expiresAt)
            encoder.append(coupon.status.rawValue)
            encoder.append(coupon.redeemedAt)
        }
        for window in [recentFingerprints, recentKeys] {
            encoder.append(list: window.entries) { encoder, entry in
                encoder.append(entry.fingerprint)
                encoder.append(entry.sighting.seq)
                encoder.append(entry.sighting.recordedAt)
            }
        }
        if !crm.isPristine { crm.encode(into: &encoder) }
        return encoder.bytes
    }

    /// SHA-256 of the canonical bytes, lowercase hex: equal states have equal digests on every machine.
    public var digest: String {
        Hex.encode(SHA256.hash(canonicalBytes))
    }
}
