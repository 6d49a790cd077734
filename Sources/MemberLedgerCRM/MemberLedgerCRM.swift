/// MemberLedgerCRM talks to the CRMs over HTTPS: one client per CRM (ActiveCampaign, Keap, Ontraport,
/// Kit, Drip) behind `CRMClient`, each speaking that CRM's documented API through a `CRMTransport`
/// (`URLSession` from FoundationNetworking in production), with typed errors that carry the CRM's own
/// text. It owns the saved connection (`crm.json`, `crm.key`), the password spool and the outbox worker's
/// delivery policy (backoff, rate limits), and knows nothing of HTTP servers or the journal's file.
public enum MemberLedgerCRM {}
