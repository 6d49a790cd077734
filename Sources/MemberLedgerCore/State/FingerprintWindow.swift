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
    /// Recordings in the order they came (never decreasing in time); `head` marks the first one that may
    /// still be in the window. An entry whose seq no longer matches its fingerprint's sighting was
    /// replaced by a later recording and is skipped.
    private var arrivals: [(fingerprint: String, seq: Int64)] = []
    private var head = 0

    /// An empty window.
    public init() {}

    /// How many fingerprints are remembered.
    public var count: Int { sightings.count }

    /// The first sighting of a fingerprint if it is still inside the window at `now`.
    public func sighting(of fingerprint: String, at now: Timestamp, windowSeconds: Int64) -> Sighting? {
        guard let sighting = sightings[fingerprint], sighting.recordedAt > Self.cutoff(now, windowSeconds) else {
            return nil
        }
        return sighting
    }

    /// Remembers a fingerprint's sighting; callers record only what was not a duplicate, so any older
    /// sighting of the same fingerprint is outside the window and is replaced.
    mutating func record(_ fingerprint: String, seq: Int64, at recordedAt: Timestamp) {
        sightings[fingerprint] = Sighting(seq: seq, recordedAt: recordedAt)
        arrivals.append((fingerprint, seq))
    }

    /// Forgets every fingerprint first seen a whole window or more before `now`.
    mutating func prune(at now: Timestamp, windowSeconds: Int64) {
        let cutoff = Self.cutoff(now, windowSeconds)
        while head < arrivals.count {
            let (fingerprint, seq) = arrivals[head]
            if let sighting = sightings[fingerprint], sighting.seq == seq {
                guard sighting.recordedAt <= cutoff else { break }
                sightings[fingerprint] = nil
            }
            head += 1
        }
        if head > 1024 && head * 2 > arrivals.count {
            arrivals.removeFirst(head)
            head = 0
        }
    }

    /// The instant at or before which a sighting is out of the window.
    private static func cutoff(_ now: Timestamp, _ windowSeconds: Int64) -> Timestamp {
        now.adding(seconds: -windowSeconds)
    }

    /// Every remembered fingerprint with its sighting, in recorded order (canonical).
    public var entries: [(fingerprint: String, sighting: Sighting)] {
        arrivals[head...].compactMap { fingerprint, seq in
            sightings[fingerprint].flatMap { $0.seq == seq ? (fingerprint, $0) : nil }
        }
    }

    public static func == (lhs: FingerprintWindow, rhs: FingerprintWindow) -> Bool {
        lhs.sightings == rhs.sightings
    }
}
