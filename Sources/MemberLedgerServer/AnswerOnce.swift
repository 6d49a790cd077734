import Synchronization

/// Hands on the first of several possible results and drops the rest: a request's append is answered
/// either by the journal's durability callback or by the slow-disk timer, whichever comes first, and
/// never twice.
///
/// The receiver is let go once used: the slow-disk timer keeps this object for the whole timeout, and
/// must not keep the request, its event and its answer alive with it.
final class AnswerOnce<Value: Sendable>: Sendable {
    private let receiver: Mutex<(@Sendable (Value) -> Void)?>

    /// Wraps the one receiver.
    init(_ deliver: @escaping @Sendable (Value) -> Void) {
        receiver = Mutex(deliver)
    }

    /// Delivers `value` unless a value was delivered before.
    func give(_ value: Value) {
        guard let deliver = receiver.withLock({ $0.take() }) else { return }
        deliver(value)
    }
}
