import Dispatch
import Synchronization

/// A transport that keeps to a request rate (a token bucket with a burst of one second's worth), so the
/// worker never earns a 429 by itself: each call waits for its token before it is sent.
public final class RateLimitedTransport: CRMTransport {
    private let inner: any CRMTransport
    private let interval: Double
    /// How far ahead of its slot a request may go (a burst of one second's worth of requests).
    private let tolerance: Double
    /// The theoretical arrival time of the next request (uptime seconds): GCRA, the token bucket's
    /// equivalent with one number of state.
    private let nextArrival = Mutex<Double>(0)

    /// Wraps a transport at `requestsPerSecond`.
    public init(_ inner: any CRMTransport, requestsPerSecond: Double) {
        precondition(requestsPerSecond > 0, "a rate limit must be positive")
        self.inner = inner
        interval = 1 / requestsPerSecond
        tolerance = (max(1, requestsPerSecond) - 1) * interval
    }

    public func send(_ request: CRMRequest) throws(CRMError) -> CRMResponse {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let wait = nextArrival.withLock { next in
            let arrival = max(next, now)
            next = arrival + interval
            return max(0, arrival - now - tolerance)
        }
        if wait > 0 { usleep(UInt32(min(wait, 60) * 1e6)) }
        return try inner.send(request)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
