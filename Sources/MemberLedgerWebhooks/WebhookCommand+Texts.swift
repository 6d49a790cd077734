import MemberLedgerCore

extension WebhookCommand {
    /// Every text the command carries (ids, profile values, tags, field and parameter names and values):
    /// what the decoder checks for the handshake before the command is kept.
    var texts: [String] {
        var texts: [String] = []
        for contact in contacts {
            texts.append(contact.contactID)
            texts += [contact.email, contact.firstName, contact.lastName].compactMap { $0 }
            texts += contact.tags ?? []
            for (name, value) in contact.fields { texts += [name, value] }
        }
        for (name, value) in parameters { texts += [name, value] }
        return texts
    }
}
