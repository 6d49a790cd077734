/// Member rules: genpass, updateuser, batchsync and import. They share one merge: what a request carries
/// replaces the old value, what it does not carry stays, and the password is set only on creation.
extension Transaction {
    /// `aal_genpass`: a new contact becomes a member with the event's password hash; an existing member is
    /// updated from the contact data and keeps their password.
    mutating func genpass(_ contact: ContactData, passwordHash: String?) throws(Reason) {
        if state.members.contains(contact.contactID) {
            merge(contact)
            return
        }
        guard let passwordHash else { throw .missingPasswordHash(contactID: contact.contactID) }
        create(contact, passwordHash: passwordHash)
    }

    /// `member.imported`: as genpass, except that a new member may come without a password.
    mutating func importMember(_ imported: MemberImported) {
        if state.members.contains(imported.contact.contactID) {
            merge(imported.contact)
        } else {
            create(imported.contact, passwordHash: imported.passwordHash)
        }
    }

    /// `aal_updateuser`: sync an existing member from the contact data; only the id is not data.
    mutating func updateUser(_ contact: ContactData) throws(Reason) {
        try requireMember(contact.contactID)
        guard contact.carriesData else {
            note = .noContactData(contactID: contact.contactID)
            return
        }
        merge(contact)
    }

    /// `aal_batchsync` (deprecated): each contact is an updateuser of its own; one contact's rejection
    /// does not undo another's sync.
    mutating func batchSync(_ contacts: [ContactData]) throws(Reason) -> [Outcome.ContactResult] {
        guard !contacts.isEmpty else { throw .missingContactID }
        var results: [Outcome.ContactResult] = []
        for contact in contacts {
            let start = mark
            note = nil
            do throws(Reason) {
                try updateUser(contact)
                let changed = effects.count > start.effects
                results.append(
                    .init(
                        contactID: contact.contactID, status: changed ? .applied : .unchanged,
                        reason: changed ? nil : (note ?? .nothingToChange)))
            } catch {
                rollback(to: start)
                results.append(.init(contactID: contact.contactID, status: .rejected, reason: error))
            }
        }
        note = nil
        return results
    }

    private mutating func create(_ contact: ContactData, passwordHash: String?) {
        insertMember(Member(contactID: contact.contactID, passwordHash: passwordHash, joinedAt: now))
        record(.memberCreated(contactID: contact.contactID))
        if passwordHash != nil { record(.passwordSet(contactID: contact.contactID)) }
        merge(contact)
    }

    /// Brings the member in line with what the CRM sent: profile values and fields carried replace the old
    /// ones; a carried tag list becomes exactly the member's tags. What the site decided and the linked
    /// CRM has not confirmed yet (queued tag and field writes) stands: the CRM cannot have known it.
    mutating func merge(_ contact: ContactData) {
        let id = contact.contactID
        let profile: [(ProfileField, String?, WritableKeyPath<Member, String?>)] = [
            (.email, contact.email, \.email), (.firstName, contact.firstName, \.firstName),
            (.lastName, contact.lastName, \.lastName),
        ]
        for (field, carried, path) in profile {
            guard let value = carried, state.members.read(id, { $0[keyPath: path] != value }) == true else {
                continue
            }
            modifyMember(id) { $0[keyPath: path] = value }
            record(.profileChanged(contactID: id, field: field, value: value))
        }
        let unconfirmed = state.crm.items.isEmpty ? UnconfirmedWrites() : state.crm.unconfirmed(of: id)
        if var wanted = contact.tags {
            if !unconfirmed.isEmpty {
                wanted =
                    wanted.filter { !unconfirmed.removed.contains($0) }
                    + unconfirmed.applied.sorted(by: utf8Ascending).filter { !wanted.contains($0) }
            }
            // Compared by bytes, as the tag set itself compares them: "é" and "e\u{301}" are two tags.
            let wantedSet = TagSet(wanted)
            let unwanted = state.members.read(id) { $0.sortedTags.filter { !wantedSet.contains($0) } } ?? []
            removeTags(unwanted, from: id, origin: .crm)
            applyTags(wanted, to: id, origin: .crm)
        }
        for (field, value) in contact.fields.sorted(by: { utf8Ascending($0.key, $1.key) })
        where !unconfirmed.fields.contains(field) {
            setField(field, to: value, of: id, origin: .crm)
        }
    }
}
