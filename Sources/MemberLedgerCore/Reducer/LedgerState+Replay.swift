/// Folding a sequence of events from a state: the one way replay, fixtures and tests rebuild state.
extension LedgerState {
    /// The state after applying every event in order to this one, with each event's outcome.
    public func replaying(_ events: some Sequence<Event>) -> (state: LedgerState, outcomes: [Outcome]) {
        var state = self
        var outcomes: [Outcome] = []
        for event in events {
            outcomes.append(state.apply(event))
        }
        return (state, outcomes)
    }
}
