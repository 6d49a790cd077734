/// How to set a webhook URL up in each CRM: what `memberledger webhook-url` prints under the URL and the
/// console's Webhook Generator shows beside it.
public enum CRMSetupSteps {
    /// Per CRM: its id (`keap`), its name, and the steps.
    public static let all: [(crm: String, name: String, steps: String)] = [
        (
            "keap", "Keap",
            "Keap: in the Campaign Builder add a \"Send HTTP Post\" step with this POST URL. Keap sends the contact id itself; add name/value pairs (Email, FirstName, ...) for anything else to sync."
        ),
        (
            "ontraport", "Ontraport",
            "Ontraport: add a \"Send a Webhook\" step with this URL and the post data contactId=[Contact ID]. (A trailing newline after it, which breaks AccessAlly, is accepted here.)"
        ),
        (
            "activecampaign", "ActiveCampaign",
            "ActiveCampaign: in an automation add Conditions and Workflow > Webhook with this URL. It posts contact[id], email, tags and fields, and gives up after 5 s: MemberLedger answers as soon as the event is durable."
        ),
        (
            "kit", "Kit",
            "Kit: a rule cannot call a URL directly; create a tag used only for this command and a Rule \"when the tag is added, send a webhook to this URL\". Kit's v4 webhook endpoints work too (each event id is an idempotency key)."
        ),
        (
            "drip", "Drip",
            "Drip: in a workflow add \"Send an HTTP Post\" (JSON) with this URL; parameters may also go in the post's custom data."
        ),
    ]
}
