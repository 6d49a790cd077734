/// The fingerprints of recently recorded events, kept for the catalog's dedup window of recorded time.
///
/// Rule: an event whose fingerprint was first seen less than the window ago is a duplicate of that first
/// event. Only the first sighting counts (duplicates do not extend the window), and entries leave in the
/// order they came, so pruning is a walk from the front, not a scan of everything.
public struct FingerprintWindow: Sendable, Equatable {
    /// Where a fingerprint was first seen.
    public struct Sighting: Sendable, Hashable {
        /// The sequence number of the event that carried it.
        public var seq: Int64
        /// That event's recorded time.
        public var recordedAt: Timestamp
    }

    private var sightings: [String: Sighting] = [:]
    /// Fingerprints in the order they were recorded; `head` marks the first still in the window.
    private var arrivals: [String] = []
    private var head = 0

    /// An empty window.
    public init() {}

    /// How many fingerprints are remembered.
    public var count: Int { sightings.count }

    /// The first sighting of a fingerprint if it is still inside the window at `now`.
    public func sighting(of fingerprint: String, at now: Timestamp, windowSeconds: Int64) -> Sighting? {
        guard let sighting = sightings[fingerprint],
            now.microseconds - sighting.recordedAt.microseconds < windowSeconds * Timestamp.microsecondsPerSecond
        else { return nil }
        return sighting
    }

    /// Remembers a fingerprint's first sighting; a fingerprint already remembered keeps its first one.
    mutating func record(_ fingerprint: String, seq: Int64, at recordedAt: Timestamp) {
        guard sightings[fingerprint] == nil else { return }
        sightings[fingerprint] = Sighting(seq: seq, recordedAt: recordedAt)
        arrivals.append(fingerprint)
    }

    /// Forgets every fingerprint first seen a whole window or more before `now`.
    mutating func prune(at now: Timestamp, windowSeconds: Int64) {
        let cutoff = now.microseconds - windowSeconds * Timestamp.microsecondsPerSecond
        while head < arrivals.count, let sighting = sightings[arrivals[head]],
            sighting.recordedAt.microseconds <= cutoff
        {
            sightings[arrivals[head]] = nil
            head += 1
        }
        if head > 1024 && head * 2 > arrivals.count {
            arrivals.removeFirst(head)
            head = 0
        }
    }

    /// Every remembered fingerprint with its sighting, in recorded order (canonical).
    public var entries: [(fingerprint: String, sighting: Sighting)] {
        arrivals[head...].compactMap { fingerprint in sightings[fingerprint].map { (fingerprint, $0) } }
    }

    public static func == (lhs: FingerprintWindow, rhs: FingerprintWindow) -> Bool {
        lhs.sightings == rhs.sightings
    }
}
