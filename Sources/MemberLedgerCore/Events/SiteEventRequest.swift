/// A site event as the site posts it to `/events`: a flat JSON object with `type`, the event's own keys
/// (the same as its `data` in the journal), and optionally `occurredAt` and `idempotencyKey`:
///
///     {"type":"order.completed","contactId":"42","productId":"11","gateway":"stripe","amount":4900,"currency":"USD"}
public struct SiteEventRequest: Sendable {
    /// The types a site may post (webhook commands come through their own URLs).
    public static let types = [
        "order.completed", "payment.failed", "payment.succeeded", "team.member_added", "coupon.redeemed",
        "catalog.updated", "member.imported",
    ]

    /// What happened.
    public var payload: EventPayload
    /// When the site says it happened.
    public var occurredAt: Timestamp?
    /// The site's idempotency key for the event, if it gave one in the body.
    public var idempotencyKey: String?

    /// Reads a posted site event; unknown keys and unknown types are errors that name them.
    public init(json: JSONValue) throws(EventDecodingError) {
        guard let members = json.objectValue else {
            throw .shape(ShapeError(path: "", problem: .wrongType(expected: "an object", found: json.kindName)))
        }
        guard let type = json["type"]?.stringValue else {
            throw .shape(ShapeError(path: "", problem: .missingKey("type")))
        }
        guard Self.types.contains(type) else { throw .unknownType(type) }
        let reserved: Set = ["type", "occurredAt", "idempotencyKey"]
        let data = JSONValue.object(members.filter { !reserved.contains($0.key) })
        let decoded = try readShape(orThrow: EventDecodingError.shape) { () throws(ShapeError) in
            try EventPayload(type: type, data: data, path: "")
        }
        guard let payload = decoded else { throw .unknownType(type) }
        self.payload = payload
        do throws(ShapeError) {
            var reader = try ObjectReader(.object(members.filter { reserved.contains($0.key) }), path: "")
            _ = try reader.string("type")
            occurredAt = try reader.optionalTimestamp("occurredAt")
            idempotencyKey = try reader.optionalString("idempotencyKey")
        } catch {
            throw .shape(error)
        }
    }
}
