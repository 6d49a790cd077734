/// The data of one fake CRM account: contacts, tag objects, which contact carries which tag, and Kit's
/// webhooks. Every dialect reads and writes this one model, so what one API call changes the next one
/// (and the test) sees, whichever CRM's words it came in.
///
/// Tags are objects with numeric ids, as in ActiveCampaign, Keap, Kit and Ontraport; Drip, which knows
/// tags by name only, uses the same objects without showing their ids. A contact's tags are taggings,
/// each with an id of its own (ActiveCampaign's `contactTag` id) and kept in the order applied. A value
/// type behind the fake's lock: nothing here is thread-safe by itself.
struct FakeCRMStore {
    /// A tag object.
    struct Tag {
        /// The CRM's id for the tag.
        let id: Int
        /// The tag's name; names may repeat where the CRM allows it.
        let name: String
    }

    /// One tag on one contact.
    struct Tagging {
        /// The id of the link itself (ActiveCampaign's `contactTag` id).
        let id: Int
        /// The tag applied.
        let tag: Tag
    }

    /// A contact and what only the store tracks about it.
    private struct Record {
        /// The contact; its `tags` stay empty, `taggings` hold them.
        var contact: FakeCRM.Contact
        /// Its tags in the order applied.
        var taggings: [Tagging] = []
        /// The id of each field's value (ActiveCampaign's `fieldValue` id), by field key.
        var fieldValueIDs: [String: Int] = [:]
    }

    /// Whether `Contact.lastName` is the `last_name` custom field (Kit), rather than a name of its own.
    let lastNameIsField: Bool
    /// Every tag object in the order created (so ids ascend).
    private(set) var tags: [Tag] = []
    /// The webhooks registered (Kit), in the order created.
    private(set) var webhooks: [FakeCRM.KitWebhook] = []
    private var records: [String: Record] = [:]
    private var nextTagID = 1
    /// Numbers taggings, field values, webhooks and contacts the API creates.
    private var nextRowID = 1

    /// An empty account.
    init(lastNameIsField: Bool) {
        self.lastNameIsField = lastNameIsField
    }

    // MARK: Contacts

    /// Adds or replaces a contact; its tags are found by name (created when missing) and applied.
    mutating func insert(_ contact: FakeCRM.Contact) {
        var stored = contact
        stored.tags = []
        if lastNameIsField {
            stored.fields["last_name"] = contact.lastName ?? contact.fields["last_name"]
            stored.lastName = stored.fields["last_name"]
        }
        var record = Record(contact: stored)
        for name in contact.tags where !record.taggings.contains(where: { $0.tag.name == name }) {
            record.taggings.append(Tagging(id: takeRowID(), tag: ensureTag(name)))
        }
        for key in stored.fields.keys.sorted() { record.fieldValueIDs[key] = takeRowID() }
        records[contact.id] = record
    }

    /// The contact with this id, tags by sorted name; nil when there is none.
    func contact(_ id: String) -> FakeCRM.Contact? {
        guard let record = records[id] else { return nil }
        var contact = record.contact
        contact.tags = record.taggings.map(\.tag.name).sorted()
        return contact
    }

    /// The id of the contact whose id is `idOrEmail`, else of the first (by id) whose email matches it
    /// ignoring case, as Drip finds subscribers.
    func contactID(matching idOrEmail: String) -> String? {
        if records[idOrEmail] != nil { return idOrEmail }
        let email = idOrEmail.lowercased()
        return records.keys.sorted().first { records[$0]?.contact.email?.lowercased() == email }
    }

    /// A fresh id for a contact the API creates: `prefix` and a number no other contact has.
    mutating func newContactID(prefix: String) -> String {
        var id = "\(prefix)\(takeRowID())"
        while records[id] != nil { id = "\(prefix)\(takeRowID())" }
        return id
    }

    /// Changes a contact's email or names; false when there is no such contact. Use `setField` for fields.
    @discardableResult
    mutating func update(_ id: String, _ change: (inout FakeCRM.Contact) -> Void) -> Bool {
        guard var record = records[id] else { return false }
        change(&record.contact)
        records[id] = record
        return true
    }

    /// Sets a custom field (a nil value clears it); returns the value's id, nil when there is no such
    /// contact or the field was cleared.
    @discardableResult
    mutating func setField(_ key: String, to value: String?, of id: String) -> Int? {
        guard var record = records[id] else { return nil }
        record.contact.fields[key] = value
        if lastNameIsField && key == "last_name" { record.contact.lastName = value }
        var valueID: Int?
        if value == nil {
            record.fieldValueIDs[key] = nil
        } else {
            valueID = record.fieldValueIDs[key] ?? takeRowID()
            record.fieldValueIDs[key] = valueID
        }
        records[id] = record
        return valueID
    }

    /// A contact's field values with their ids, by key order; nil when there is no such contact.
    func fieldValues(of id: String) -> [(id: Int, key: String, value: String)]? {
        guard let record = records[id] else { return nil }
        return record.contact.fields.keys.sorted().map { key in
            (record.fieldValueIDs[key] ?? 0, key, record.contact.fields[key] ?? "")
        }
    }

    /// Every field key any contact has a value for, sorted: the account's custom fields as far as the
    /// fake knows them (Kit lists them all on every subscriber, `null` where unset).
    var fieldKeys: [String] {
        Set(records.values.flatMap(\.contact.fields.keys)).sorted()
    }

    // MARK: Tags

    /// The tag with this id.
    func tag(id: Int) -> Tag? {
        tags.first { $0.id == id }
    }

    /// The first tag with exactly this name.
    func tag(named name: String) -> Tag? {
        tags.first { $0.name == name }
    }

    /// The first tag with exactly this name, created when there is none.
    mutating func ensureTag(_ name: String) -> Tag {
        tag(named: name) ?? createTag(name)
    }

    /// Creates a tag object, even when one of that name exists (the dialect decides whether it may).
    @discardableResult
    mutating func createTag(_ name: String) -> Tag {
        let tag = Tag(id: nextTagID, name: name)
        nextTagID += 1
        tags.append(tag)
        return tag
    }

    /// A contact's taggings in the order applied; nil when there is no such contact.
    func taggings(of id: String) -> [Tagging]? {
        records[id]?.taggings
    }

    /// The tagging with this id and the contact it belongs to.
    func tagging(id: Int) -> (contactID: String, tagging: Tagging)? {
        for (contactID, record) in records {
            if let tagging = record.taggings.first(where: { $0.id == id }) { return (contactID, tagging) }
        }
        return nil
    }

    /// Applies a tag, idempotently: returns the tagging and whether it is new, or nil when there is no
    /// such contact.
    mutating func apply(_ tag: Tag, to id: String) -> (tagging: Tagging, isNew: Bool)? {
        guard var record = records[id] else { return nil }
        if let existing = record.taggings.first(where: { $0.tag.id == tag.id }) { return (existing, false) }
        let tagging = Tagging(id: takeRowID(), tag: tag)
        record.taggings.append(tagging)
        records[id] = record
        return (tagging, true)
    }

    /// Takes a tag off a contact: whether it had it, or nil when there is no such contact.
    mutating func remove(tagID: Int, from id: String) -> Bool? {
        guard var record = records[id] else { return nil }
        let before = record.taggings.count
        record.taggings.removeAll { $0.tag.id == tagID }
        records[id] = record
        return record.taggings.count < before
    }

    // MARK: Webhooks

    /// Registers a webhook and returns it with its new id.
    mutating func addWebhook(event: String, tagID: String, targetURL: String) -> FakeCRM.KitWebhook {
        let webhook = FakeCRM.KitWebhook(id: String(takeRowID()), event: event, tagID: tagID, targetURL: targetURL)
        webhooks.append(webhook)
        return webhook
    }

    /// Deletes a webhook; false when there is none with this id.
    mutating func removeWebhook(id: String) -> Bool {
        guard let index = webhooks.firstIndex(where: { $0.id == id }) else { return false }
        webhooks.remove(at: index)
        return true
    }

    private mutating func takeRowID() -> Int {
        defer { nextRowID += 1 }
        return nextRowID
    }
}
