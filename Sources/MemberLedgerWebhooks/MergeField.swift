import MemberLedgerCore

/// Spotting CRM merge fields that were sent as typed instead of filled in: `[Contact ID]` (Ontraport),
/// `~Contact.Id~` (Keap), `{{ subscriber.id }}` (Kit, Drip), `%CONTACTID%` (ActiveCampaign). Such a
/// request would otherwise create a member whose id is the placeholder.
enum MergeField {
    /// Whether a value is an unsubstituted merge field.
    static func isPlaceholder(_ value: String) -> Bool {
        let text = value.trimmingWhitespace
        guard text.count >= 3 else { return false }
        return (text.hasPrefix("[") && text.hasSuffix("]")) || (text.hasPrefix("~") && text.hasSuffix("~"))
            || ByteSearch.contains(text.utf8, "{{".utf8) || (text.hasPrefix("%") && text.hasSuffix("%"))
    }
}
