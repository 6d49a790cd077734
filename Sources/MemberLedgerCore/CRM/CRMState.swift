/// The ledger's side of its partnership with a CRM: which account it is linked to and the outbox of
/// writes and pulls not yet confirmed. Part of the state (and of its digest), because it is decided by
/// the journal alone: items are queued by the events that decided them and leave only by a journaled
/// delivery, so a crash loses none and replay rebuilds the same outbox.
public struct CRMState: Sendable {
    /// The linked account; nil: nothing is queued for a CRM.
    public internal(set) var link: CRMLink?
    /// Items not yet delivered (pending or dead), by id.
    public internal(set) var items: [Int64: OutboxItem] = [:]
    /// The id the next queued item gets.
    public internal(set) var nextItemID: Int64 = 1

    /// Each contact's items in queue order (derived, never encoded).
    var queueOfContact: [String: [Int64]] = [:]
    /// The id of each contact's first pending item, ascending (derived, never encoded): kept up to date on
    /// every change so the worker finds what to attempt next without walking every contact's queue while
    /// it holds the ledger's lock.
    private(set) var headIDs: [Int64] = []

    /// No link and an empty outbox.
    public init() {}

    /// Whether anything is encoded for this part: a journal that never linked a CRM leaves it out of
    /// the canonical bytes, so its digest is what it was before CRM links existed.
    var isPristine: Bool { link == nil && items.isEmpty && nextItemID == 1 }

    /// Items in id order.
    public var sortedItems: [OutboxItem] { items.values.sorted { $0.id < $1.id } }

    /// Items waiting for an attempt, in id order.
    public var pending: [OutboxItem] { sortedItems.filter { !$0.dead } }

    /// Items given up on, in id order.
    public var dead: [OutboxItem] { sortedItems.filter(\.dead) }

    /// The contact's items in queue order.
    public func queue(of contactID: String) -> [OutboxItem] {
        (queueOfContact[contactID] ?? []).compactMap { items[$0] }
    }

    /// For each contact with pending items, the first pending one: the only item of a contact that may be
    /// attempted, so that a contact's items reach the CRM in the order they were decided. In id order.
    public var heads: [OutboxItem] { headIDs.compactMap { items[$0] } }

    /// Up to `limit` heads due at `now` whose contacts are not in `busy`, in id order; and, when fewer were
    /// found, the earliest time a head not yet due becomes due (nil: none is waiting).
    public func dueHeads(at now: Timestamp, limit: Int, excluding busy: Set<String> = [])
        -> (due: [OutboxItem], nextDue: Timestamp?)
    {
        var due: [OutboxItem] = []
        var nextDue: Timestamp?
        for id in headIDs {
            guard let item = items[id], !busy.contains(item.contactID) else { continue }
            if item.dueAt <= now {
                due.append(item)
                if due.count == limit { return (due, nil) }
            } else {
                nextDue = min(nextDue ?? item.dueAt, item.dueAt)
            }
        }
        return (due, nextDue)
    }

    mutating func insert(_ item: OutboxItem) {
        precondition(items[item.id] == nil, "outbox item \(item.id) queued twice")
        changingHead(of: item.contactID) {
            $0.items[item.id] = item
            $0.queueOfContact[item.contactID, default: []].append(item.id)
        }
    }

    mutating func remove(_ id: Int64) {
        guard let contactID = items[id]?.contactID else { return }
        changingHead(of: contactID) {
            $0.items[id] = nil
            $0.queueOfContact[contactID]?.removeAll { $0 == id }
            if $0.queueOfContact[contactID]?.isEmpty == true { $0.queueOfContact[contactID] = nil }
        }
    }

    mutating func update(_ item: OutboxItem) {
        precondition(items[item.id] != nil, "outbox item \(item.id) changed while not queued")
        changingHead(of: item.contactID) { $0.items[item.id] = item }
    }

    mutating func removeAll() {
        items = [:]
        queueOfContact = [:]
        headIDs = []
    }

    mutating func rebuildQueues() {
        queueOfContact = [:]
        for item in sortedItems { queueOfContact[item.contactID, default: []].append(item.id) }
        headIDs = queueOfContact.keys.compactMap(head(of:)).sorted()
    }

    /// The id of the contact's first pending item.
    private func head(of contactID: String) -> Int64? {
        queueOfContact[contactID]?.first { items[$0]?.dead == false }
    }

    /// Applies `change` to one contact's items and moves that contact's entry in `headIDs` to match.
    private mutating func changingHead(of contactID: String, _ change: (inout CRMState) -> Void) {
        let before = head(of: contactID)
        change(&self)
        let after = head(of: contactID)
        guard before != after else { return }
        if let before {
            let index = Self.position(of: before, in: headIDs)
            precondition(index < headIDs.count && headIDs[index] == before, "outbox head \(before) not indexed")
            headIDs.remove(at: index)
        }
        if let after {
            let index = Self.position(of: after, in: headIDs)
            precondition(index == headIDs.count || headIDs[index] != after, "outbox head \(after) indexed twice")
            headIDs.insert(after, at: index)
        }
    }

    /// The first index of `ids` (ascending) whose id is not below `id`.
    private static func position(of id: Int64, in ids: [Int64]) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether the contact has a pull waiting behind another of its items (so certainly not under way):
    /// a new pull joins it instead of queuing a second read of the same contact.
    func hasWaitingPull(of contactID: String) -> Bool {
        queue(of: contactID).filter { !$0.dead }.dropFirst().contains { $0.action == .pull }
    }

    /// What the site decided for a contact and has not yet confirmed in the CRM: a full update from the
    /// CRM (a pull, an updateuser's tag list) must not undo it, since the CRM cannot know it yet.
    func unconfirmed(of contactID: String) -> UnconfirmedWrites {
        var writes = UnconfirmedWrites()
        for item in queue(of: contactID) {
            switch item.action {
            case .applyTag(let tag):
                writes.applied.insert(tag)
                writes.removed.remove(tag)
            case .removeTag(let tag):
                writes.removed.insert(tag)
                writes.applied.remove(tag)
            case .setField(let field, _): writes.fields.insert(field)
            case .password, .pull: break
            }
        }
        return writes
    }
}

extension CRMState: Equatable {
    /// Equal when the encoded parts are; the derived queues do not take part.
    public static func == (lhs: CRMState, rhs: CRMState) -> Bool {
        lhs.link == rhs.link && lhs.items == rhs.items && lhs.nextItemID == rhs.nextItemID
    }
}

/// Tags and fields the site changed that the CRM has not confirmed yet.
struct UnconfirmedWrites {
    /// Tags the site applied.
    var applied = Set<String>()
    /// Tags the site removed.
    var removed = Set<String>()
    /// Fields the site set.
    var fields = Set<String>()

    var isEmpty: Bool { applied.isEmpty && removed.isEmpty && fields.isEmpty }
}
