import Dispatch

/// A point on the monotonic clock, so timeouts are immune to wall-clock changes.
struct Deadline: Comparable, Sendable {
    /// Nanoseconds since an arbitrary start (boot).
    let nanoseconds: UInt64

    /// The current time.
    static var now: Deadline { Deadline(nanoseconds: DispatchTime.now().uptimeNanoseconds) }

    /// The time `seconds` from now.
    static func after(seconds: Double) -> Deadline {
        let now = DispatchTime.now().uptimeNanoseconds
        return Deadline(nanoseconds: now + UInt64(max(0, seconds) * 1_000_000_000))
    }

    /// Milliseconds left, rounded up so a poll never wakes just before the deadline and spins; 0 once it
    /// has passed.
    var millisecondsLeft: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { millisecondsLeft == 0 }

    static func < (left: Deadline, right: Deadline) -> Bool { left.nanoseconds < right.nanoseconds }
}
