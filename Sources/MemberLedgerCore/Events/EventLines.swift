/// Reading a sequence of events written one JSON object a line (JSON Lines), as fixtures and exports are.
public enum EventLines {
    /// Why the lines are not a valid sequence of events; each case names the 1-based line.
    public enum DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A line is not an event.
        case badLine(line: Int, EventDecodingError)
        /// Sequence numbers must run 1, 2, 3, ... with no gap.
        case seqGap(line: Int, expected: Int64, found: Int64)
        /// Recorded time must not go back.
        case timeWentBack(line: Int, seq: Int64)

        public var description: String {
            switch self {
            case .badLine(let line, let error): "line \(line): \(error)"
            case .seqGap(let line, let expected, let found): "line \(line): seq \(found), expected \(expected)"
            case .timeWentBack(let line, let seq): "line \(line): event \(seq) was recorded before the event above it"
            }
        }
    }

    /// The events in the bytes, checked to start at seq 1, run without gaps and never go back in time.
    /// Blank lines (such as the last newline) are skipped.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> [Event] {
        var events: [Event] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            let event: Event
            do {
                event = try Event(jsonText: line)
            } catch {
                throw .badLine(line: index + 1, error)
            }
            let expected = Int64(events.count + 1)
            guard event.seq == expected else { throw .seqGap(line: index + 1, expected: expected, found: event.seq) }
            if let previous = events.last, event.recordedAt < previous.recordedAt {
                throw .timeWentBack(line: index + 1, seq: event.seq)
            }
            events.append(event)
        }
        return events
    }
}
