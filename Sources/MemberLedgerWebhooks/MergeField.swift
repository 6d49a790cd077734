/// Spotting CRM merge fields that were sent as typed instead of filled in: `[Contact ID]` (Ontraport),
/// `~Contact.Id~` (Keap), `{{ subscriber.id }}` (Kit, Drip), `%CONTACTID%` (ActiveCampaign). Such a
/// request would otherwise create a member whose id is the placeholder.
enum MergeField {
    /// Whether a value is an unsubstituted merge field.
    static func isPlaceholder(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: " \t\r\n")
        guard text.count >= 3 else { return false }
        return (text.hasPrefix("[") && text.hasSuffix("]")) || (text.hasPrefix("~") && text.hasSuffix("~"))
            || text.contains("{{") || (text.hasPrefix("%") && text.hasSuffix("%"))
    }
}

extension String {
    /// The text without leading and trailing Unicode scalars from `set`. Scalars, not characters: in
    /// `" \t\r\n"` the pair CR LF is one Character, and a lone LF would otherwise survive.
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        let view = unicodeScalars
        guard let first = view.firstIndex(where: { !scalars.contains($0) }),
            let last = view.lastIndex(where: { !scalars.contains($0) })
        else { return "" }
        return String(view[first...last])
    }
}
