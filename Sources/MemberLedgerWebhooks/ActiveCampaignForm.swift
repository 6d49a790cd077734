import MemberLedgerCore

/// ActiveCampaign's automation webhook: form-encoded `contact[id]`, `contact[email]`,
/// `contact[first_name]`, `contact[last_name]`, `contact[tags]` ("a, b, c") and
/// `contact[fields][PERSTAG]`. Multi-select values (`||Yoga||Diet||`) are kept as sent.
enum ActiveCampaignForm {
    static func matches(_ form: FormBody) -> Bool {
        form.pairs.contains { $0.path.first == "contact" && $0.path.count > 1 }
    }

    static func read(_ form: FormBody) throws(WebhookError) -> BodyReading {
        var builder = ContactBuilder()
        builder.contactID = form.value(at: ["contact", "id"])
        builder.email = form.value(at: ["contact", "email"])
        builder.firstName = form.value(at: ["contact", "first_name"])
        builder.lastName = form.value(at: ["contact", "last_name"])
        builder.tags = form.value(at: ["contact", "tags"]).map(ContactBuilder.splitTags)
        for (name, value) in form.children(of: ["contact", "fields"]) { builder.addField(name, value) }
        return BodyReading(
            dialect: .activeCampaign, contacts: [(try builder.build(), nil)], parameters: FormParameters.read(form))
    }
}

/// Command parameters sent as top-level form pairs.
enum FormParameters {
    static func read(_ form: FormBody) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in form.pairs where BodyReading.parameterNames.contains(pair.name) && parameters[pair.name] == nil {
            parameters[pair.name] = pair.value
        }
        return parameters
    }
}
