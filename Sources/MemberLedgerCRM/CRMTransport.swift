/// Carries one request to a CRM and brings back its answer: `URLSessionTransport` in production, a
/// scripted one in tests. Clients call it from plain threads and it blocks until done.
///
/// Any answer, 2xx or not, is returned as a `CRMResponse`; only the absence of one throws
/// (`.unreachable` or `.timedOut`). A transport follows no redirect to another host, so the key in the
/// headers never reaches a server the connection did not name.
public protocol CRMTransport: Sendable {
    /// Sends `request` and waits for the whole answer.
    func send(_ request: CRMRequest) throws(CRMError) -> CRMResponse
}
