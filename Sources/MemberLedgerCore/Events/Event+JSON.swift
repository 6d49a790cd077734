// Version 1 of the event's JSON shape. It is frozen once shipped: a new shape is a new version with an
// upcaster, never an edit of this one. Keys are written in a fixed order and absent optionals are left
// out, so an event always encodes to the same bytes.

/// Why a line could not be read as an event.
public enum EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON.
    case invalidJSON(JSONError)
    /// JSON, but not an event's shape.
    case shape(ShapeError)
    /// A version this code cannot read.
    case unsupportedVersion(Int64)
    /// A type name this code does not know.
    case unknownType(String)

    public var description: String {
        switch self {
        case .invalidJSON(let error): "event is not valid JSON: \(error)"
        case .shape(let error): "event \(error)"
        case .unsupportedVersion(let version):
            "event version \(version) is not supported (this build reads version \(Event.currentVersion))"
        case .unknownType(let type): "event type \"\(type)\" is not known"
        }
    }
}

extension Event {
    /// Reads an event from one line of JSON.
    public init(jsonText: some Collection<UInt8>) throws(EventDecodingError) {
        try self.init(json: parseJSON(jsonText, orThrow: EventDecodingError.invalidJSON))
    }

    /// Reads an event from parsed JSON.
    public init(json: JSONValue) throws(EventDecodingError) {
        let read = try readShape(orThrow: EventDecodingError.shape) {
            () throws(ShapeError) -> (version: Int64, type: String, event: Event?) in
            var reader = try ObjectReader(json, path: "")
            let version = try reader.int64("v")
            let type = try reader.string("type")
            guard version == Int64(Event.currentVersion) else { return (version, type, nil) }
            let seq = try reader.int64("seq")
            let recordedAt = try reader.timestamp("at")
            let occurredAt = try reader.optionalTimestamp("occurredAt")
            let fingerprint = try reader.optionalString("fingerprint")
            guard let payload = try EventPayload(type: type, data: try reader.value("data"), path: "data") else {
                return (version, type, nil)
            }
            try reader.finish()
            let event = Event(
                seq: seq, recordedAt: recordedAt, occurredAt: occurredAt, fingerprint: fingerprint, payload: payload)
            return (version, type, event)
        }
        guard read.version == Int64(Event.currentVersion) else { throw .unsupportedVersion(read.version) }
        guard let event = read.event else { throw .unknownType(read.type) }
        self = event
    }

    /// The event as JSON in version 1's shape.
    public var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [
            ("v", .int(Event.currentVersion)), ("seq", .int(seq)), ("at", .string(recordedAt.rfc3339)),
            ("type", .string(payload.typeName)),
        ]
        if let occurredAt { fields.append(("occurredAt", .string(occurredAt.rfc3339))) }
        if let fingerprint { fields.append(("fingerprint", .string(fingerprint))) }
        fields.append(("data", payload.data))
        return .object(fields)
    }

    /// The event as one line of JSON (no newline).
    public var jsonLine: String { JSONWriter.string(json) }
}
