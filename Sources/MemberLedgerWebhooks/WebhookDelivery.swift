import MemberLedgerCore

/// A decoded webhook request: the command for each contact it carries, ready to be recorded.
public struct WebhookDelivery: Sendable {
    /// One command to record. Most requests carry one; a Kit v4 delivery carries one per event.
    public struct Item: Sendable {
        /// The normalized command.
        public var command: WebhookCommand
        /// The sender's idempotency key for it (a header, or a Kit event id), if any.
        public var idempotencyKey: String?
    }

    /// The command named in the URL.
    public var operation: WebhookOperation
    /// How the body was read.
    public var dialect: CRMDialect
    /// The commands to record, in request order.
    public var items: [Item]
    /// The request as received, secrets redacted, to be kept with each event.
    public var request: RawRequest
}
