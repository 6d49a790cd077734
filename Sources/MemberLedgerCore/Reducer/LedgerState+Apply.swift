/// The reducer: one event in, the next state and its outcome out. Pure and total: it reads no clock and
/// no random source, and any event in any state gives a state and an outcome (a rejection leaves the
/// state exactly as it was, apart from the position in the journal).
extension LedgerState {
    /// Applies the next event of the journal in place and returns what it did.
    ///
    /// Order: advance time to the event's recorded time (time transitions come first), drop a duplicate,
    /// then run the event's rule. Preconditions: `seq` is the next one, and recorded time does not go back.
    @discardableResult
    public mutating func apply(_ event: Event) -> Outcome {
        precondition(event.seq == lastSeq + 1, "event seq \(event.seq) does not follow \(lastSeq)")
        precondition(event.recordedAt >= lastRecordedAt, "event \(event.seq) was recorded before event \(lastSeq)")
        precondition(
            event.recordedAt >= clock, "event \(event.seq) was recorded before the instant the state was advanced to")
        let transitions = advance(to: event.recordedAt)
        lastSeq = event.seq
        lastRecordedAt = event.recordedAt
        if let fingerprint = event.fingerprint,
            let first = window(for: fingerprint).sighting(
                of: fingerprint, at: event.recordedAt, windowSeconds: catalog.dedupWindow(for: fingerprint))
        {
            var outcome = Outcome(status: .duplicate, transitions: transitions, duplicateOf: first.seq)
            outcome.queued = queueForCRM(outcome, of: event)
            return outcome
        }
        var outcome = withTransaction(now: event.recordedAt, generated: event.generated) { transaction in
            transaction.run(event.payload)
        }
        outcome.transitions = transitions
        if let fingerprint = event.fingerprint, outcome.status != .rejected {
            if fingerprint.hasPrefix("key:") {
                recentKeys.record(fingerprint, seq: event.seq, at: event.recordedAt)
            } else {
                recentFingerprints.record(fingerprint, seq: event.seq, at: event.recordedAt)
            }
        }
        outcome.queued = queueForCRM(outcome, of: event)
        return outcome
    }

    /// Passes over records that `repair --salvage` recorded as lost: their seqs are taken, nothing else
    /// changes (what they did is unknown). Precondition: `seqs` starts at the next seq.
    public mutating func skipLost(_ seqs: ClosedRange<Int64>) {
        precondition(seqs.lowerBound == lastSeq + 1, "lost seqs \(seqs) do not follow \(lastSeq)")
        lastSeq = seqs.upperBound
    }

    /// Where a fingerprint is remembered: idempotency keys apart from command fingerprints, because their
    /// windows differ and each window is pruned in arrival order.
    private func window(for fingerprint: String) -> FingerprintWindow {
        fingerprint.hasPrefix("key:") ? recentKeys : recentFingerprints
    }

    /// The state after the event, and what the event did, leaving this state as it is.
    public func applying(_ event: Event) -> (state: LedgerState, outcome: Outcome) {
        var next = self
        let outcome = next.apply(event)
        return (next, outcome)
    }

    /// Runs a body against this state moved into a transaction (never copied), and moves it back.
    mutating func withTransaction<Result>(
        now: Timestamp, generated: GeneratedValues, _ body: (inout Transaction) -> Result
    ) -> Result {
        var transaction = Transaction(state: LedgerState(), now: now, generated: generated)
        swap(&transaction.state, &self)
        defer { swap(&transaction.state, &self) }
        return body(&transaction)
    }
}

extension Event {
    /// What was generated for the event when it was recorded.
    var generated: GeneratedValues {
        if case .webhookReceived(let webhook) = payload { return webhook.generated }
        return .none
    }
}

extension Transaction {
    /// Runs the rule for one event payload; a rejection anywhere undoes everything the event did.
    mutating func run(_ payload: EventPayload) -> Outcome {
        let start = mark
        var contactResults: [Outcome.ContactResult] = []
        var warnings: [String] = []
        do throws(Reason) {
            switch payload {
            case .webhookReceived(let webhook) where webhook.command.operation == .batchSync:
                warnings.append("aal_batchsync is deprecated; use aal_updateuser for each contact")
                contactResults = try batchSync(webhook.command.contacts)
            case .webhookReceived(let webhook):
                try run(webhook.command, passwordHash: webhook.generated.passwordHash)
            case .orderCompleted(let order):
                try completeOrder(order)
            case .paymentFailed(let payment):
                try failPayment(payment)
            case .paymentSucceeded(let payment):
                try succeedPayment(payment)
            case .teamMemberAdded(let added):
                try addTeamMember(added)
            case .couponRedeemed(let redeemed):
                try redeemCoupon(redeemed)
            case .catalogUpdated(let catalog):
                try replaceCatalog(with: catalog)
            case .memberImported(let imported):
                importMember(imported)
            case .crmConnected(let link):
                self.link(link)
            case .crmDisconnected:
                unlink()
            case .contactPulled(let pulled):
                applyPull(pulled)
            case .crmDelivered(let attempt):
                confirmDelivery(attempt)
            case .crmDeliveryFailed(let attempt):
                recordFailedDelivery(attempt)
            case .outboxRetryRequested(let request):
                try retry(request)
            case .passwordUndelivered(let item):
                dropUndeliveredPassword(item: item)
            case .passwordReset(let reset):
                try resetPassword(reset)
            }
        } catch {
            rollback(to: start)
            return Outcome(status: .rejected, reason: error, contactResults: contactResults, warnings: warnings)
        }
        var status: Outcome.Status = effects.isEmpty ? .unchanged : .applied
        var reason: Reason? = effects.isEmpty ? (note ?? .nothingToChange) : nil
        if !contactResults.isEmpty && contactResults.allSatisfy({ $0.status == .rejected }) {
            status = .rejected
            reason = contactResults[0].reason
        }
        return Outcome(
            status: status, reason: reason, effects: effects, coupon: coupon, contactResults: contactResults,
            warnings: warnings)
    }

    /// The fourteen webhook commands, each one rule.
    private mutating func run(_ command: WebhookCommand, passwordHash: String?) throws(Reason) {
        if command.operation == .batchSync {
            preconditionFailure("batchsync is run contact by contact")
        }
        let contact = try command.soleContact()
        let id = contact.contactID
        switch command.operation {
        case .genpass: try genpass(contact, passwordHash: passwordHash)
        case .updateUser, .batchSync: try updateUser(contact)
        case .fieldOperation: try runCustomOperation(try command.parameter("operationId"), on: id)
        case .initiateTeam: try initiateTeam(programID: try command.parameter("teamId"), leader: id)
        case .deleteTeam: try deleteTeam(programID: try command.parameter("teamId"), leader: id)
        case .removeTeam: try removeFromTeam(programID: try command.parameter("teamId"), contactID: id)
        case .updateTeam:
            let programID = try command.parameter("teamId")
            try changeSeats(programID: programID, leader: id, by: try command.nonZeroInteger("change"))
        case .teamOperation:
            let programID = try command.parameter("teamId")
            try runInteraction(try command.parameter("opId"), programID: programID, on: id)
        case .createCoupon: try issueCoupon(promoID: try command.parameter("promoId"), to: id)
        case .revokeSubscription: try revokeSubscription(productID: try command.parameter("productId"), contactID: id)
        case .cancelSubscription: try cancelSubscription(productID: try command.parameter("productId"), contactID: id)
        case .adminStopSubscription: try pauseSubscription(productID: try command.parameter("productId"), contactID: id)
        case .chargeSubscription: try chargeSubscription(productID: try command.parameter("productId"), contactID: id)
        }
    }

    /// `catalog.updated`: a valid catalog replaces the old one; an invalid one is refused whole.
    private mutating func replaceCatalog(with catalog: Catalog) throws(Reason) {
        do throws(CatalogError) {
            try catalog.validate()
        } catch {
            throw .invalidCatalog(error)
        }
        guard catalog != state.catalog else { return }
        // Not in the undo log: nothing can be rejected after this line, so it is never rolled back.
        state.catalog = catalog
        record(.catalogChanged)
    }
}
