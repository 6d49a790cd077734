/// CRM rules: the link, the outcome of each delivery attempt, a contact read from the CRM, an admin's
/// retry and password reset. The outbox changes here only after every check that can reject, so these
/// changes need no undo entries.
extension Transaction {
    /// `crm.connected`: link to an account. Moving to another CRM drops what was queued for the old one
    /// (its contact ids mean nothing to the new one); a changed URL or field of the same CRM keeps it.
    mutating func link(_ link: CRMLink) {
        let old = state.crm.link
        guard old != link else {
            note = .crmAlreadyLinked(kind: link.kind)
            return
        }
        if let old, old.kind != link.kind {
            record(.crmUnlinked(kind: old.kind, dropped: state.crm.items.count))
            state.crm.removeAll()
        }
        state.crm.link = link
        record(.crmLinked(kind: link.kind))
    }

    /// `crm.disconnected`: nothing more is queued, and what was queued is dropped.
    mutating func unlink() {
        guard let old = state.crm.link else {
            note = .noCRMLinked
            return
        }
        record(.crmUnlinked(kind: old.kind, dropped: state.crm.items.count))
        state.crm.removeAll()
        state.crm.link = nil
    }

    /// `crm.contactPulled`: the contact as the CRM holds it becomes the member's profile, tags and fields
    /// (a full update), except what the site decided and the CRM has not confirmed yet. The pull leaves
    /// the outbox even when the contact is not a member, so it is never attempted forever.
    mutating func applyPull(_ pulled: ContactPulled) {
        if let id = pulled.item {
            guard let item = state.crm.items[id], item.action == .pull else {
                note = .outboxItemNotQueued(id: id)
                return
            }
            state.crm.remove(id)
        }
        guard state.members.contains(pulled.contact.contactID) else {
            note = .unknownMember(contactID: pulled.contact.contactID)
            return
        }
        merge(pulled.contact)
    }

    /// `crm.delivered`: the item leaves the outbox.
    mutating func confirmDelivery(_ attempt: DeliveryAttempt) {
        guard let item = state.crm.items[attempt.item] else {
            note = .outboxItemNotQueued(id: attempt.item)
            return
        }
        state.crm.remove(item.id)
        record(.crmDelivered(contactID: item.contactID, item: item.id, action: item.action.summary))
    }

    /// `crm.deliveryFailed`: the item waits until `retryAt`, or becomes a dead letter without one.
    mutating func recordFailedDelivery(_ attempt: DeliveryAttempt) {
        guard var item = state.crm.items[attempt.item] else {
            note = .outboxItemNotQueued(id: attempt.item)
            return
        }
        item.attempts = max(item.attempts, attempt.attempt)
        item.lastStatus = attempt.status
        item.lastError = attempt.error
        if let retryAt = attempt.retryAt {
            item.dueAt = retryAt
        } else {
            item.dead = true
        }
        state.crm.update(item)
        record(
            .crmDeliveryFailed(
                contactID: item.contactID, item: item.id, status: attempt.status, error: attempt.error ?? "",
                retryAt: attempt.retryAt))
    }

    /// `crm.retryRequested`: the named items (or all) are due now with a fresh retry window; one unknown
    /// id refuses the whole request.
    mutating func retry(_ request: OutboxRetry) throws(Reason) {
        let ids = request.all ? state.crm.sortedItems.map(\.id) : request.items
        for id in ids where state.crm.items[id] == nil { throw .unknownOutboxItem(id: id) }
        for id in ids {
            guard var item = state.crm.items[id] else { continue }
            item.dead = false
            item.since = now
            item.dueAt = now
            state.crm.update(item)
            record(.crmRetryScheduled(contactID: item.contactID, item: id))
        }
    }

    /// `crm.passwordUndelivered`: a password item whose spooled plaintext was destroyed leaves the outbox.
    mutating func dropUndeliveredPassword(item id: Int64) {
        guard let item = state.crm.items[id], case .password = item.action else {
            note = .outboxItemNotQueued(id: id)
            return
        }
        state.crm.remove(id)
        record(.passwordUndelivered(contactID: item.contactID, item: id))
    }

    /// `password.reset`: the member gets the new hash (and, when passwords are written back, an outbox
    /// item for the spooled plaintext).
    mutating func resetPassword(_ reset: PasswordReset) throws(Reason) {
        try requireMember(reset.contactID)
        modifyMember(reset.contactID) { $0.passwordHash = reset.passwordHash }
        record(.passwordSet(contactID: reset.contactID))
    }
}
