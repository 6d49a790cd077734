extension FakeCRM {
    /// A webhook registered with a fake Kit account through `POST /v4/webhooks`, so a test can check what
    /// the product subscribed to.
    public struct KitWebhook: Sendable, Equatable {
        /// Kit's webhook id, as text.
        public var id: String
        /// The event's name, e.g. `subscriber.tag_add`.
        public var event: String
        /// The event's `tag_id` as text, or `""` for an event without a tag.
        public var tagID: String
        /// Where Kit would post.
        public var targetURL: String

        /// Creates a webhook record.
        public init(id: String, event: String, tagID: String, targetURL: String) {
            self.id = id
            self.event = event
            self.tagID = tagID
            self.targetURL = targetURL
        }
    }
}
