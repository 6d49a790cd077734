import MemberLedgerCore

/// Builds a contact from loose name/value data, whichever dialect it came in.
struct ContactBuilder {
    var contactID: String?
    var email: String?
    var firstName: String?
    var lastName: String?
    var tags: [String]?
    var fields: [String: String] = [:]

    mutating func addField(_ name: String, _ value: String) {
        guard !SecretField.isSecret(name) else { return }
        fields[name] = value
    }

    /// The contact, or the reason it cannot be one.
    func build() throws(WebhookError) -> ContactData {
        let id = (contactID ?? "").trimmingWhitespace
        guard !id.isEmpty else { throw .missingContactID }
        if let style = MergeField.style(of: id) { throw .unsubstitutedMergeField(name: "contactId", style: style) }
        if let style = email.flatMap(MergeField.style) { throw .unsubstitutedMergeField(name: "email", style: style) }
        return ContactData(
            contactID: id, email: email.map { $0.trimmingWhitespace }, firstName: firstName,
            lastName: lastName, tags: tags, fields: fields)
    }

    /// A batch's contacts: one id each, checked like any contact id; an empty batch has no contact.
    static func batch(_ ids: [String]) throws(WebhookError) -> [(contact: ContactData, idempotencyKey: String?)] {
        var contacts: [(contact: ContactData, idempotencyKey: String?)] = []
        for id in ids {
            var builder = ContactBuilder()
            builder.contactID = id
            contacts.append((try builder.build(), nil))
        }
        guard !contacts.isEmpty else { throw .missingContactID }
        return contacts
    }

    /// `"a, b,c"` → `["a", "b", "c"]` (ActiveCampaign sends tags as one comma-separated string).
    static func splitTags(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }
}
