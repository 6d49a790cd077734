/// One change the CRM must be told about, because a rule of the site (not the CRM) decided it.
///
/// Tags and fields the CRM itself sent are never written back. A password is never in the outbox: only
/// the fact that it was set and which response carried it, since the plaintext exists only in the answer
/// to the request that created the member.
public struct CRMWrite: Sendable, Hashable, CustomStringConvertible {
    /// What to write.
    public enum Change: Sendable, Hashable {
        /// Apply a tag to the contact.
        case applyTag(String)
        /// Remove a tag from the contact.
        case removeTag(String)
        /// Set a custom field (coupon codes arrive this way, in the promo's field).
        case setField(field: String, value: String)
        /// A password was set and delivered in the response to event `seq`.
        case passwordSet(deliveredInResponseTo: Int64)
    }

    /// The event whose application (or whose advance of time) made the change.
    public var seq: Int64
    /// When the change took effect.
    public var effectiveAt: Timestamp
    /// The contact to write to.
    public var contactID: String
    /// What to write.
    public var change: Change

    /// Creates a write.
    public init(seq: Int64, effectiveAt: Timestamp, contactID: String, change: Change) {
        self.seq = seq
        self.effectiveAt = effectiveAt
        self.contactID = contactID
        self.change = change
    }

    public var description: String {
        switch change {
        case .applyTag(let tag): "#\(seq) \(contactID) apply tag \"\(tag)\""
        case .removeTag(let tag): "#\(seq) \(contactID) remove tag \"\(tag)\""
        case .setField(let field, let value): "#\(seq) \(contactID) set \(field)=\"\(value)\""
        case .passwordSet(let delivered): "#\(seq) \(contactID) password set (delivered in response to #\(delivered))"
        }
    }
}
