/// The CRM write-back projection: which of an outcome's changes the CRM must be told, in the order they
/// took effect (time transitions before the event that advanced time past them).
public enum Outbox {
    /// The writes an event's outcome calls for: rule-made tag and field changes, and password notices.
    public static func writes(for outcome: Outcome, of event: Event) -> [CRMWrite] {
        let timed = outcome.transitions + outcome.effects.map { TimedEffect(effectiveAt: event.recordedAt, effect: $0) }
        return timed.compactMap { timedEffect in
            let change: CRMWrite.Change
            switch timedEffect.effect {
            case .tagApplied(_, let tag, .rule): change = .applyTag(tag)
            case .tagRemoved(_, let tag, .rule): change = .removeTag(tag)
            case .fieldSet(_, let field, let value, .rule): change = .setField(field: field, value: value)
            case .passwordSet: change = .passwordSet(deliveredInResponseTo: event.seq)
            default: return nil
            }
            guard let contactID = timedEffect.effect.contactID else { return nil }
            return CRMWrite(seq: event.seq, effectiveAt: timedEffect.effectiveAt, contactID: contactID, change: change)
        }
    }
}
