import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerQuery
import Testing

/// The in-memory log: gapless, joined history-then-live, and the CRM deliveries of each event.
@Suite("Log index")
struct LogIndexTests {
    static let at = Timestamp(seconds: 1_790_000_000)

    static func event(_ seq: Int64, _ payload: EventPayload) -> Event {
        EventDraft(payload).stamped(seq: seq, at: at)
    }

    static func imported(_ seq: Int64) -> Event {
        event(seq, .memberImported(MemberImported(contact: ContactData(contactID: "42"))))
    }

    /// An event that queued outbox item `item`, and one that reported its delivery.
    static func queuing(_ seq: Int64, item: Int64) -> (Event, Outcome) {
        var outcome = Outcome(status: .applied)
        outcome.queued = [OutboxItem(id: item, seq: seq, contactID: "42", action: .applyTag("Gold"), at: at)]
        return (imported(seq), outcome)
    }

    static func delivery(_ seq: Int64, item: Int64) -> (Event, Outcome) {
        let event = event(seq, .crmDelivered(DeliveryAttempt(item: item, attempt: 1, status: 200)))
        let outcome = Outcome(
            status: .applied, effects: [.crmDelivered(contactID: "42", item: item, action: "applyTag")])
        return (event, outcome)
    }

    @Test("a delivery reported while the history was being rebuilt is found once the history is joined")
    func deliveriesAcrossTheJoin() {
        var history = LogIndex()
        let (first, firstOutcome) = Self.queuing(1, item: 7)
        history.add(first, firstOutcome, offset: 0)
        history.add(Self.imported(2), Outcome(status: .unchanged), offset: 100)
        var live = LogIndex(firstSeq: 3)
        let (report, reportOutcome) = Self.delivery(3, item: 7)
        live.add(report, reportOutcome, offset: 200)
        #expect(live.deliveries(of: 1).isEmpty, "the live log alone cannot know which event queued item 7")
        history.append(contentsOf: live)
        #expect(history.deliveries(of: 1).map(\.seq) == [3])
        #expect(history.entries.map(\.seq) == [1, 2, 3])
        #expect(history.offset(3) == 200)
        #expect(history.outcomes[.applied] == 2 && history.outcomes[.unchanged] == 1)
    }

    @Test("cursors past the end, up to Int64.max, give no entries and never trap")
    func cursorsPastTheEnd() {
        var log = LogIndex()
        log.add(Self.imported(1), Outcome(status: .applied), offset: 0)
        #expect(log.entries(after: 0, limit: 10).map(\.seq) == [1])
        for cursor in [1, 2, 1_000_000, Int64.max - 1, Int64.max] {
            #expect(log.entries(after: cursor, limit: 10).isEmpty)
        }
        #expect(log.entries(after: -5, limit: 10).map(\.seq) == [1])
    }
}
