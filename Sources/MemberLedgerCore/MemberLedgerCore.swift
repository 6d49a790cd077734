/// MemberLedgerCore owns the domain of a membership site driven by CRM webhooks: the events the journal
/// stores, the state they project (members, tags, teams, subscriptions, coupons, the catalog), the pure
/// reducer that folds one into the other, the passage of time as explicit transitions, the canonical
/// encoding and SHA-256 digest of state, and the generated values (password hashes, coupon codes) that
/// are captured when an event is recorded. It reads no clock, draws no randomness of its own and does no
/// I/O, so the same events give the same state and digest in every process on every machine.
public enum MemberLedgerCore {
    /// The version of the reducer's rules. A snapshot made by another version is not trusted for replay.
    ///
    /// 2: a tag list carried by updateuser is matched against the member's tags by bytes, as the tag set
    /// compares them (version 1 kept a canonically equivalent spelling beside the old one).
    public static let reducerVersion = 2
}
