/// A plain-text account of a replay, one block per event: what it was, its outcome, its effects, and the
/// time transitions that fell due before it. Committed beside each fixture scenario so that a reviewer can
/// read what every event did, and a test can notice any change.
public enum Transcript {
    /// The transcript of events and their outcomes, ending with the final state's digest.
    public static func render(events: [Event], outcomes: [Outcome], finalState: LedgerState) -> String {
        precondition(events.count == outcomes.count, "one outcome per event")
        var lines: [String] = []
        for (event, outcome) in zip(events, outcomes) {
            for transition in outcome.transitions {
                lines.append("   ⏱ \(transition.effectiveAt) \(transition.effect)")
            }
            lines.append("#\(event.seq) \(event.recordedAt) \(headline(of: event)) → \(verdict(of: outcome))")
            for result in outcome.contactResults {
                let why = result.reason.map { ": \($0)" } ?? ""
                lines.append("   contact \(result.contactID) \(result.status.rawValue)\(why)")
            }
            for warning in outcome.warnings { lines.append("   warning: \(warning)") }
            if let coupon = outcome.coupon { lines.append("   coupon \(coupon)") }
            for effect in outcome.effects { lines.append("   \(effect)") }
        }
        lines.append(
            "state: \(finalState.members.count) members, \(finalState.teams.count) teams, "
                + "\(finalState.subscriptions.count) subscriptions, \(finalState.coupons.count) coupons")
        lines.append("digest: \(finalState.digest)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func headline(of event: Event) -> String {
        let contacts = event.payload.contactIDs.joined(separator: ",")
        switch event.payload {
        case .webhookReceived(let webhook):
            let parameters = webhook.command.parameters.sorted { utf8Ascending($0.key, $1.key) }
                .map { "\($0.key)=\($0.value)" }
            return ([webhook.command.operation.rawValue, contacts] + parameters).joined(separator: " ")
        default:
            return contacts.isEmpty ? event.payload.typeName : "\(event.payload.typeName) \(contacts)"
        }
    }

    private static func verdict(of outcome: Outcome) -> String {
        switch outcome.status {
        case .applied: "applied"
        case .duplicate: "duplicate of #\(outcome.duplicateOf ?? 0)"
        case .unchanged, .rejected: "\(outcome.status.rawValue): \(outcome.reason?.description ?? "")"
        }
    }
}
