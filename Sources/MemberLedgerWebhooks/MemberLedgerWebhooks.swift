/// MemberLedgerWebhooks turns a CRM's request into a webhook command: the AccessAlly URL shape
/// (`/?aal_genpass=HANDSHAKE`), the constant-time handshake check, the body dialects of Keap, Ontraport,
/// ActiveCampaign, Kit and Drip, merge fields left unsubstituted, and the delivery's idempotency key.
public enum MemberLedgerWebhooks {}
