import Synchronization

/// Hands on the first of several possible results and drops the rest: a request's append is answered
/// either by the journal's durability callback or by the slow-disk timer, whichever comes first, and
/// never twice.
final class AnswerOnce<Value: Sendable>: Sendable {
    private let given = Atomic<Bool>(false)
    private let deliver: @Sendable (Value) -> Void

    /// Wraps the one receiver.
    init(_ deliver: @escaping @Sendable (Value) -> Void) {
        self.deliver = deliver
    }

    /// Delivers `value` unless a value was delivered before.
    func give(_ value: Value) {
        guard !given.exchange(true, ordering: .acquiringAndReleasing) else { return }
        deliver(value)
    }
}
