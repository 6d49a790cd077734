import MemberLedgerCore

/// Keap's "Send HTTP Post" and Ontraport's "Send a Webhook": admin-configured form pairs around a contact
/// id named `contactId`, `ContactId`, `Id` or `Contact0Id` (Keap), or just `contactId=[Contact ID]`
/// (Ontraport, whose typed post data often ends with a newline: trimmed and accepted), or Drip's form
/// post `id=…&email=…`. Email and names are recognised by their usual Keap (and Drip) spellings; every
/// other pair is a custom field. Several ids (`contactIds=1,2,3`, or `contactId` repeated) are a batch.
enum KeapForm {
    /// The names a Keap (or generic) contact id comes under, in order of preference; JSON bodies use these.
    static let keapIDNames = ["contactId", "ContactId", "Id", "Contact0Id", "contact_id"]
    /// Every name a form's contact id comes under: Keap's, then Drip's `id`.
    static let idNames = keapIDNames + ["id"]
    static let emailNames: Set = ["Email", "email", "EmailAddress1"]
    static let firstNames: Set = ["FirstName", "first_name", "firstName"]
    static let lastNames: Set = ["LastName", "last_name", "lastName"]

    static func read(_ form: FormBody, batch: Bool) throws(WebhookError) -> BodyReading {
        let parameters = FormParameters.read(form)
        let ids = batchIDs(form)
        if batch || ids.count > 1 {
            return BodyReading(dialect: .keap, contacts: try ContactBuilder.batch(ids), parameters: parameters)
        }
        var builder = ContactBuilder()
        var idName: String?
        for name in idNames where builder.contactID == nil {
            if let value = form.value(name) {
                builder.contactID = value
                idName = name
            }
        }
        var extras = 0
        for pair in form.pairs where pair.name != idName && !BodyReading.parameterNames.contains(pair.name) {
            extras += 1
            if emailNames.contains(pair.name) {
                builder.email = pair.value
            } else if firstNames.contains(pair.name) {
                builder.firstName = pair.value
            } else if lastNames.contains(pair.name) {
                builder.lastName = pair.value
            } else if pair.name == "tags" || pair.name == "Tags" {
                builder.tags = ContactBuilder.splitTags(pair.value)
            } else if !pair.name.hasPrefix("aal_") {
                builder.addField(pair.name, pair.value)
            }
        }
        let dialect: CRMDialect =
            idName == "id" ? .drip : idName == "contactId" && extras == 0 ? .ontraport : .keap
        return BodyReading(dialect: dialect, contacts: [(try builder.build(), nil)], parameters: parameters)
    }

    /// The ids of a batch: `contactIds=1,2,3`, or every `contactId` when it is repeated.
    private static func batchIDs(_ form: FormBody) -> [String] {
        if let list = form.value("contactIds") { return ContactBuilder.splitTags(list) }
        return form.values("contactId")
    }
}
