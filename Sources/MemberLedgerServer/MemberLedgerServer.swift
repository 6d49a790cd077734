/// MemberLedgerServer composes the webhook server: HTTP in, webhook decoding, recording (time, seq,
/// generated values), the journal's durable append, the reducer, and the answer; plus `/events`,
/// `/healthz`, `/metrics`, the access log, backpressure and graceful shutdown.
public enum MemberLedgerServer {}
