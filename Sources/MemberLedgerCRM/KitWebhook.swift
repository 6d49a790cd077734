/// A webhook registered in a Kit account (`/v4/webhooks`): what Kit posts to `targetURL`, and when.
public struct KitWebhook: Sendable, Hashable {
    /// Kit's id for the webhook, which `KitClient.removeWebhook(id:)` takes.
    public var id: String
    /// The event that fires it, e.g. `subscriber.tag_add`.
    public var eventName: String
    /// The tag the event is limited to, for tag events.
    public var tagID: String?
    /// Where Kit posts.
    public var targetURL: String

    /// Creates a webhook description.
    public init(id: String, eventName: String, tagID: String?, targetURL: String) {
        self.id = id
        self.eventName = eventName
        self.tagID = tagID
        self.targetURL = targetURL
    }
}
