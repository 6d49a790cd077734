/// Queuing for the linked CRM: after each event, the writes its outcome calls for and the pulls its
/// command implies join the outbox. Nothing is queued without a link, so a journal that never linked a
/// CRM replays exactly as before links existed.
extension LedgerState {
    /// The commands after which the contact is read back from the CRM (AccessAlly pulls "all of the
    /// latest information about this contact, including tags and custom fields").
    static let pullingOperations: Set<WebhookOperation> = [.genpass, .updateUser, .batchSync]

    /// Queues what the event's outcome calls for and returns the new items in queue order.
    mutating func queueForCRM(_ outcome: Outcome, of event: Event) -> [OutboxItem] {
        guard let link = crm.link else { return [] }
        var queued: [OutboxItem] = []
        func queue(_ contactID: String, _ action: OutboxItem.Action) {
            let item = OutboxItem(
                id: crm.nextItemID, seq: event.seq, contactID: contactID, action: action, at: event.recordedAt)
            crm.nextItemID += 1
            crm.insert(item)
            queued.append(item)
        }
        for write in Outbox.writes(for: outcome, of: event) {
            switch write.change {
            case .applyTag(let tag): queue(write.contactID, .applyTag(tag))
            case .removeTag(let tag): queue(write.contactID, .removeTag(tag))
            case .setField(let field, let value): queue(write.contactID, .setField(field: field, value: value))
            case .passwordSet:
                // An import brings a hash whose plaintext nobody here knows: there is nothing to deliver.
                if case .memberImported = event.payload { continue }
                guard let field = link.passwordField, let hash = members[write.contactID]?.passwordHash else {
                    continue
                }
                queue(write.contactID, .password(field: field, hash: hash))
            }
        }
        if case .webhookReceived(let webhook) = event.payload,
            Self.pullingOperations.contains(webhook.command.operation),
            outcome.status == .applied || outcome.status == .unchanged
        {
            let refused = Set(outcome.contactResults.filter { $0.status == .rejected }.map(\.contactID))
            for contact in webhook.command.contacts
            where !refused.contains(contact.contactID) && !crm.hasWaitingPull(of: contact.contactID) {
                queue(contact.contactID, .pull)
            }
        }
        return queued
    }
}
