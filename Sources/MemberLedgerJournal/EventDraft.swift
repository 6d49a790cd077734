import MemberLedgerCore

/// An event before the journal gives it its place: what happened, with its fingerprint and the sender's
/// time. The writer stamps the seq and the recorded time.
public struct EventDraft: Sendable {
    /// What happened.
    public var payload: EventPayload
    /// The delivery's fingerprint, if any.
    public var fingerprint: String?
    /// When the sender says it happened, if it said.
    public var occurredAt: Timestamp?

    /// Creates a draft.
    public init(_ payload: EventPayload, fingerprint: String? = nil, occurredAt: Timestamp? = nil) {
        self.payload = payload
        self.fingerprint = fingerprint
        self.occurredAt = occurredAt
    }

    /// The event as recorded at `seq` and `recordedAt`.
    public func stamped(seq: Int64, at recordedAt: Timestamp) -> Event {
        Event(seq: seq, recordedAt: recordedAt, occurredAt: occurredAt, fingerprint: fingerprint, payload: payload)
    }
}
