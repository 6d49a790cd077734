import MemberLedgerCore

/// When a failed delivery is tried again: exponential backoff with jitter from `firstDelay` up to
/// `maxDelay`, never sooner than the CRM's `Retry-After`, for at most `giveUpAfter` seconds from the
/// item's queuing (or an admin's retry); a failure the CRM will always refuse (a 4xx other than 408, 409
/// and 429) is not retried at all. `nil` means: dead letter.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay after the first failure, in seconds.
    public var firstDelay: Double
    /// The longest delay between two attempts, in seconds.
    public var maxDelay: Double
    /// How long an item is retried before it becomes a dead letter, in seconds.
    public var giveUpAfter: Double

    /// The production policy: 2 s, doubling to an hour, for 24 hours.
    public static let standard = RetryPolicy(firstDelay: 2, maxDelay: 3600, giveUpAfter: 86_400)

    /// Creates a policy.
    public init(firstDelay: Double, maxDelay: Double, giveUpAfter: Double) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.giveUpAfter = giveUpAfter
    }

    /// When to try again after failed attempt number `attempt` (1 for the first), or nil to give up.
    /// `jitter` in 0...1 spreads retries of many items so they do not return together ("equal jitter":
    /// half the delay fixed, half random).
    public func retryAt(
        after error: CRMError, attempt: Int, since: Timestamp, now: Timestamp, jitter: Double
    ) -> Timestamp? {
        guard error.isRetryable else { return nil }
        let exponential = min(maxDelay, firstDelay * Double(1 << min(max(attempt - 1, 0), 30)))
        var delay = exponential / 2 + exponential / 2 * min(max(jitter, 0), 1)
        if case .rejected(_, _, let retryAfter?) = error { delay = max(delay, retryAfter) }
        let at = Timestamp(microseconds: now.microseconds + Int64(delay * 1e6))
        guard at.microseconds <= since.microseconds + Int64(giveUpAfter * 1e6) else { return nil }
        return at
    }
}
