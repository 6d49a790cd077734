/// The instants at which time alone changes state: a cancelled subscription reaching its period end, an
/// issued coupon reaching its expiry. A min-heap ordered by (instant, kind, key), so due transitions come
/// out in one total order on every machine, and advancing time costs O(log n) per transition instead of a
/// scan of every subscription and coupon.
///
/// The schedule is derived from the state (it can always be rebuilt from it), and an entry may be stale:
/// whoever pops it checks that the transition still applies.
struct TransitionSchedule: Sendable {
    struct Deadline: Sendable, Hashable, Comparable {
        enum Kind: Sendable, Hashable {
            case periodEnd(SubscriptionKey)
            case couponExpiry(code: String)
        }

        var at: Timestamp
        var kind: Kind

        static func < (lhs: Deadline, rhs: Deadline) -> Bool {
            if lhs.at != rhs.at { return lhs.at < rhs.at }
            switch (lhs.kind, rhs.kind) {
            case (.periodEnd(let a), .periodEnd(let b)): return a < b
            case (.couponExpiry(let a), .couponExpiry(let b)): return utf8Ascending(a, b)
            case (.periodEnd, .couponExpiry): return true
            case (.couponExpiry, .periodEnd): return false
            }
        }
    }

    private var heap: [Deadline] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func add(_ deadline: Deadline) {
        heap.append(deadline)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest deadline at or before `instant`.
    mutating func popDue(atOrBefore instant: Timestamp) -> Deadline? {
        guard let first = heap.first, first.at <= instant else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left] < heap[smallest] { smallest = left }
            if right < heap.count && heap[right] < heap[smallest] { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
