import MemberLedgerCore

/// What a body said, whichever dialect: the contacts (with a per-contact idempotency key where the
/// sender gives one) and the command parameters it carried.
struct BodyReading {
    var dialect: CRMDialect
    var contacts: [(contact: ContactData, idempotencyKey: String?)]
    var parameters: [String: String]

    /// The parameters a command can take (see `WebhookOperation.requiredParameters`).
    static let parameterNames: Set<String> = Set(WebhookOperation.allCases.flatMap(\.requiredParameters))
}
