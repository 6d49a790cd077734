import MemberLedgerCore

/// The Webhooks Log in memory, indexed by seq: one `LogEntry` and one line offset per event from
/// `firstSeq`, counts of outcomes, and which later events delivered each event's CRM writes.
///
/// Built the same way from a replay (history, at start) and from the writer's durable records (live),
/// then joined: `append(contentsOf:)` requires the two to meet with no gap, so a seq missing from the log
/// stops the program instead of hiding an event.
public struct LogIndex: Sendable {
    /// The seq of the first entry.
    public private(set) var firstSeq: Int64
    /// The entries, oldest first: `entries[i].seq == firstSeq + i`.
    public private(set) var entries: [LogEntry] = []
    /// Where each entry's line starts in the journal.
    public private(set) var offsets: [Int64] = []
    /// Events by outcome.
    public private(set) var outcomes: [Outcome.Status: Int] = [:]
    /// The event that queued each outbox item.
    private var itemSource: [Int64: Int64] = [:]
    /// Per event, the later events that reported a delivery attempt of an item it queued.
    private var deliveries: [Int64: [Int64]] = [:]
    /// The first event whose entry names each contact (or concerns it, for an event that names none).
    private var firstSeqOfContact: [String: Int64] = [:]
    /// Delivery reports for items queued before `firstSeq` (the live log's, while the history is still
    /// being rebuilt), by item: resolved when the earlier index is joined to this one.
    private var unresolved: [Int64: [Int64]] = [:]

    /// An empty index whose first entry will be `firstSeq`.
    public init(firstSeq: Int64 = 1) {
        self.firstSeq = firstSeq
    }

    /// The seq after the last entry.
    public var nextSeq: Int64 { firstSeq + Int64(entries.count) }

    /// Adds records salvaged away (`repair --salvage`): one entry each, saying so, at the lost-records
    /// line's offset, so the log stays gapless and says where history has a hole.
    public mutating func skip(_ seqs: ClosedRange<Int64>, offset: Int64) {
        precondition(seqs.lowerBound == nextSeq, "the log must be gapless: expected seq \(nextSeq), got \(seqs)")
        let at = entries.last?.at ?? Timestamp(microseconds: 0)
        for seq in seqs {
            entries.append(LogEntry(lost: seq, at: at))
            offsets.append(offset)
            outcomes[.unchanged, default: 0] += 1
        }
    }

    /// Adds the next event: its outcome (with the outbox items it queued) and where its line starts.
    public mutating func add(_ event: Event, _ outcome: Outcome, offset: Int64) {
        precondition(event.seq == nextSeq, "the log must be gapless: expected seq \(nextSeq), got \(event.seq)")
        let entry = LogEntry(event: event, outcome: outcome)
        entries.append(entry)
        for contact in entry.contacts where firstSeqOfContact[contact] == nil { firstSeqOfContact[contact] = event.seq }
        offsets.append(offset)
        outcomes[outcome.status, default: 0] += 1
        for item in outcome.queued { itemSource[item.id] = event.seq }
        for effect in outcome.effects {
            switch effect {
            case .crmDelivered(_, let item, _), .crmDeliveryFailed(_, let item, _, _, _),
                .passwordUndelivered(_, let item):
                if let source = itemSource[item] {
                    if deliveries[source]?.last != event.seq { deliveries[source, default: []].append(event.seq) }
                } else if unresolved[item]?.last != event.seq {
                    unresolved[item, default: []].append(event.seq)
                }
            default: break
            }
        }
    }

    /// Joins the index of the events right after this one's.
    public mutating func append(contentsOf later: LogIndex) {
        precondition(later.firstSeq == nextSeq, "the log must be gapless: \(nextSeq) then \(later.firstSeq)")
        entries += later.entries
        offsets += later.offsets
        outcomes.merge(later.outcomes, uniquingKeysWith: +)
        itemSource.merge(later.itemSource) { _, new in new }
        firstSeqOfContact.merge(later.firstSeqOfContact) { earlier, _ in earlier }
        deliveries.merge(later.deliveries) { $0 + $1 }
        for (item, reports) in later.unresolved.sorted(by: { $0.key < $1.key }) {
            if let source = itemSource[item] {
                deliveries[source] = ((deliveries[source] ?? []) + reports).sorted()
            } else {
                unresolved[item, default: []] += reports
            }
        }
    }

    /// The entry with this seq.
    public func entry(_ seq: Int64) -> LogEntry? {
        guard seq >= firstSeq, seq < nextSeq else { return nil }
        return entries[Int(seq - firstSeq)]
    }

    /// Where the line of the event with this seq starts.
    public func offset(_ seq: Int64) -> Int64? {
        guard seq >= firstSeq, seq < nextSeq else { return nil }
        return offsets[Int(seq - firstSeq)]
    }

    /// The first event that concerns `contact`: nothing before it can have touched them (a contact is named
    /// by the event that makes them a member before any other event can change them), so their history
    /// can be replayed from the newest snapshot before it.
    public func firstSeq(of contact: String) -> Int64? {
        firstSeqOfContact[contact]
    }

    /// The events that reported delivery attempts of the outbox items the event `seq` queued, in order.
    public func deliveries(of seq: Int64) -> [LogEntry] {
        (deliveries[seq] ?? []).compactMap(entry)
    }

    /// The entries after `seq`, oldest first, at most `limit`.
    public func entries(after seq: Int64, limit: Int) -> ArraySlice<LogEntry> {
        guard seq < nextSeq - 1 else { return [] }
        let start = Int(max(seq + 1, firstSeq) - firstSeq)
        guard start < entries.count else { return [] }
        return entries[start..<min(entries.count, start + limit)]
    }

    /// A page of the log, newest first: at most `limit` entries that pass `filter`, recorded before seq
    /// `before` (nil: from the newest). `more` says whether older matches may follow.
    public func page(_ filter: LogFilter, before: Int64?, limit: Int) -> (entries: [LogEntry], more: Bool) {
        var index = min(entries.count, Int(max(0, (before ?? nextSeq) - firstSeq))) - 1
        var found: [LogEntry] = []
        while index >= 0 {
            let entry = entries[index]
            index -= 1
            guard filter.matches(entry) else { continue }
            if found.count == limit { return (found, true) }
            found.append(entry)
        }
        return (found, false)
    }
}
