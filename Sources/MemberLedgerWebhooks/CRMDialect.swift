/// The shape a request's body was read as. Recorded with the event for the log; where two CRMs send the
/// same shape (Keap and Ontraport both post `contactId=…`), the label says which it most likely was.
public enum CRMDialect: String, Sendable, Hashable, CaseIterable {
    /// Form-encoded `contact[id]`, `contact[tags]`, `contact[fields][…]`.
    case activeCampaign = "activecampaign"
    /// Form-encoded `contactId`/`ContactId`/`Id`/`Contact0Id` with Keap field names.
    case keap
    /// Form-encoded `contactId=…` typed by the admin, nothing else.
    case ontraport
    /// JSON `{"subscriber":{…}}` from a Kit (ConvertKit) rule, or a Kit v4 delivery with `events`.
    case kit
    /// JSON subscriber from Drip, wrapped, flat or in an event webhook.
    case drip
    /// JSON `{"contactId":…,"email":…,"tags":[…],"fields":{…}}`.
    case generic
    /// Only the query string carried the contact (no body).
    case query
}
