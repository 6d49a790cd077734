/// MemberLedgerHTTP is a small HTTP/1.1 server over POSIX sockets that knows nothing of webhooks: it
/// accepts connections (capped), parses requests strictly (framing, limits, timeouts), hands each one to
/// a handler, and writes the handler's response, with keep-alive and pipelining.
public enum MemberLedgerHTTP {}
