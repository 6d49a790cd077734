/// Subscription rules, after AccessAlly's subscription management: orders start them, payments renew them
/// or build an outstanding balance, and cancel, revoke, pause and charge act on them under the rules of
/// each status and gateway.
extension Transaction {
    private func catalogProduct(_ id: String) throws(Reason) -> Product {
        guard let product = state.catalog.product(id) else { throw .unknownProduct(id: id) }
        return product
    }

    /// The member's subscription to a product that the catalog still sells, with that product.
    private func existingSubscription(contactID: String, productID: String) throws(Reason) -> Subscription {
        try requireMember(contactID)
        _ = try catalogProduct(productID)
        let key = SubscriptionKey(contactID: contactID, productID: productID)
        guard let subscription = state.subscriptions[key] else { throw .noSubscription(subscription: key) }
        return subscription
    }

    private mutating func move(_ subscription: inout Subscription, to status: SubscriptionStatus) {
        record(.subscriptionStatusChanged(subscription: subscription.key, from: subscription.status, to: status))
        subscription.status = status
        if status != .active && status != .ended { subscription.stoppedAt = now }
        setSubscription(subscription)
    }

    /// `order.completed`: a new active subscription whose first period starts now; access tags applied and
    /// any revoke, pause or failed-payment tags of an earlier run of the product taken off. Refused while
    /// a subscription to the product is still running (active, paused, or cancelled but not ended).
    mutating func completeOrder(_ order: OrderCompleted) throws(Reason) {
        try requireMember(order.contactID)
        let product = try catalogProduct(order.productID)
        guard order.amount >= 0 else { throw .invalidAmount(order.amount) }
        let key = SubscriptionKey(contactID: order.contactID, productID: order.productID)
        let previous = state.subscriptions[key]
        if let previous, previous.status.blocksNewOrder {
            throw .subscriptionAlreadyRunning(subscription: key, status: previous.status)
        }
        let subscription = Subscription(
            key: key, gateway: order.gateway, status: .active, amount: order.amount, currency: order.currency,
            startedAt: now, period: product.period)
        setSubscription(subscription)
        record(.subscriptionStatusChanged(subscription: key, from: previous?.status, to: .active))
        removeTags(product.revokeTags + product.pauseTags + product.failedPaymentTags, from: order.contactID)
        applyTags(product.accessTags, to: order.contactID)
    }

    /// `payment.failed`: the amount joins the outstanding balance and the failed-payment tags apply.
    mutating func failPayment(_ payment: PaymentReported) throws(Reason) {
        var subscription = try existingSubscription(contactID: payment.contactID, productID: payment.productID)
        let product = try catalogProduct(payment.productID)
        guard payment.amount > 0 else { throw .invalidAmount(payment.amount) }
        guard subscription.status == .active else {
            throw .subscriptionNotAllowed(
                subscription: subscription.key, status: subscription.status, action: "record a failed payment on")
        }
        let (balance, overflow) = subscription.balance.addingReportingOverflow(payment.amount)
        guard !overflow else { throw .invalidAmount(payment.amount) }
        record(.balanceChanged(subscription: subscription.key, from: subscription.balance, to: balance))
        subscription.balance = balance
        setSubscription(subscription)
        applyTags(product.failedPaymentTags, to: payment.contactID)
    }

    /// `payment.succeeded`: pays the outstanding balance first (taking off the failed-payment tags once it
    /// is clear); with no balance, renews an active subscription for another period.
    mutating func succeedPayment(_ payment: PaymentReported) throws(Reason) {
        var subscription = try existingSubscription(contactID: payment.contactID, productID: payment.productID)
        let product = try catalogProduct(payment.productID)
        guard payment.amount > 0 else { throw .invalidAmount(payment.amount) }
        let key = subscription.key
        switch subscription.status {
        case .revoked, .ended:
            throw .subscriptionNotAllowed(subscription: key, status: subscription.status, action: "take a payment for")
        case _ where subscription.balance > 0:
            let balance = subscription.balance - min(payment.amount, subscription.balance)
            record(.balanceChanged(subscription: key, from: subscription.balance, to: balance))
            subscription.balance = balance
            setSubscription(subscription)
            if balance == 0 { removeTags(product.failedPaymentTags, from: payment.contactID) }
        case .active:
            subscription.periodsPaid += 1
            setSubscription(subscription)
            record(.subscriptionRenewed(subscription: key, periodEnd: subscription.periodEnd))
        case .paused, .cancelled:
            note = .nothingToRenew(subscription: key, status: subscription.status)
        }
    }

    /// Runs a subscription action named by a webhook or a custom operation.
    mutating func perform(_ action: SubscriptionAction, productID: String, contactID: String) throws(Reason) {
        switch action {
        case .cancel: try cancelSubscription(productID: productID, contactID: contactID)
        case .revoke: try revokeSubscription(productID: productID, contactID: contactID)
        case .pause: try pauseSubscription(productID: productID, contactID: contactID)
        case .charge: try chargeSubscription(productID: productID, contactID: contactID)
        }
    }

    /// `aal_cancelsubscription`: active or paused → cancelled; pause tags now, revoke tags when the paid
    /// period ends (at once if it already has).
    mutating func cancelSubscription(productID: String, contactID: String) throws(Reason) {
        var subscription = try existingSubscription(contactID: contactID, productID: productID)
        let product = try catalogProduct(productID)
        switch subscription.status {
        case .cancelled:
            note = .alreadyInStatus(subscription: subscription.key, status: .cancelled)
        case .revoked, .ended:
            throw .subscriptionNotAllowed(subscription: subscription.key, status: subscription.status, action: "cancel")
        case .active, .paused:
            move(&subscription, to: .cancelled)
            applyTags(product.pauseTags, to: contactID)
            if subscription.periodEnd <= now { endSubscription(subscription.key) }
        }
    }

    /// The time transition of a cancelled subscription at its period end: ended, revoke tags applied.
    mutating func endSubscription(_ key: SubscriptionKey) {
        guard var subscription = state.subscriptions[key], subscription.status == .cancelled,
            subscription.periodEnd <= now
        else { return }
        move(&subscription, to: .ended)
        applyTags(state.catalog.product(key.productID)?.revokeTags ?? [], to: key.contactID)
    }

    /// `aal_revokesubscription`: active or cancelled → revoked, revoke tags now, no further charges. A
    /// paused subscription cannot be revoked (as in AccessAlly).
    mutating func revokeSubscription(productID: String, contactID: String) throws(Reason) {
        var subscription = try existingSubscription(contactID: contactID, productID: productID)
        let product = try catalogProduct(productID)
        switch subscription.status {
        case .revoked, .ended:
            note = .alreadyInStatus(subscription: subscription.key, status: subscription.status)
        case .paused:
            throw .subscriptionNotAllowed(subscription: subscription.key, status: .paused, action: "revoke")
        case .active, .cancelled:
            move(&subscription, to: .revoked)
            applyTags(product.revokeTags, to: contactID)
        }
    }

    /// `aal_adminstopsubscription`: active → paused with the pause tags; access unaffected. Stripe only.
    mutating func pauseSubscription(productID: String, contactID: String) throws(Reason) {
        var subscription = try existingSubscription(contactID: contactID, productID: productID)
        let product = try catalogProduct(productID)
        guard subscription.gateway != .paypal else {
            throw .notSupportedForPayPal(subscription: subscription.key, action: "pause")
        }
        switch subscription.status {
        case .paused:
            note = .alreadyInStatus(subscription: subscription.key, status: .paused)
        case .cancelled, .revoked, .ended:
            throw .subscriptionNotAllowed(subscription: subscription.key, status: subscription.status, action: "pause")
        case .active:
            move(&subscription, to: .paused)
            applyTags(product.pauseTags, to: contactID)
        }
    }

    /// `aal_chargesubscription`: asks the gateway to collect the outstanding balance; billing only, no tag
    /// changes. Stripe only; not for a revoked subscription.
    mutating func chargeSubscription(productID: String, contactID: String) throws(Reason) {
        let subscription = try existingSubscription(contactID: contactID, productID: productID)
        guard subscription.gateway != .paypal else {
            throw .notSupportedForPayPal(subscription: subscription.key, action: "charge")
        }
        switch subscription.status {
        case .revoked, .ended:
            throw .subscriptionNotAllowed(subscription: subscription.key, status: subscription.status, action: "charge")
        case _ where subscription.balance == 0:
            note = .noBalance(subscription: subscription.key)
        case .active, .paused, .cancelled:
            record(
                .chargeRequested(
                    subscription: subscription.key, amount: subscription.balance, currency: subscription.currency))
        }
    }
}
