import MemberLedgerCore

/// Spotting CRM merge fields that were sent as typed instead of filled in: `[Contact ID]` (Ontraport),
/// `~Contact.Id~` (Keap), `{{ subscriber.id }}` (Kit, Drip), `%CONTACTID%` (ActiveCampaign). Such a
/// request would otherwise create a member whose id is the placeholder.
enum MergeField {
    /// The shape of an unsubstituted merge field, or nil for an ordinary value.
    static func style(of value: String) -> MergeFieldStyle? {
        let text = value.trimmingWhitespace
        guard text.count >= 3 else { return nil }
        if text.hasPrefix("[") && text.hasSuffix("]") { return .brackets }
        if text.hasPrefix("~") && text.hasSuffix("~") { return .tildes }
        if ByteSearch.contains(text.utf8, "{{".utf8) { return .braces }
        if text.hasPrefix("%") && text.hasSuffix("%") { return .percents }
        return nil
    }
}
