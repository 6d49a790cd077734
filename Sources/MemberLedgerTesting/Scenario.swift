import MemberLedgerCore

/// A ledger for tests: records events one after another at a controllable instant, applies each at once,
/// and keeps every event and outcome, with no server, no files and no clock.
///
/// Values a recorder would generate are made deterministically here: the password hash is a Django
/// PBKDF2 hash (1 iteration) of `password-CONTACT`, and the coupon entropy is derived from the seq.
///
/// ```swift
/// var ledger = Scenario(catalog: .sample)
/// ledger.genpass("42", email: "ada@example.com", tags: ["Trial"])
/// ledger.webhook(.fieldOperation, "42", parameters: ["operationId": "8"])
/// #expect(ledger.state.member("42")?.fields["member_points"] == "50")
/// ```
public struct Scenario: Sendable {
    /// The state after the last event.
    public private(set) var state = LedgerState()
    /// Every event recorded, in order.
    public private(set) var events: [Event] = []
    /// Each event's outcome, in order.
    public private(set) var outcomes: [Outcome] = []
    /// The instant the next event is recorded at.
    public var now: Timestamp

    /// The instant scenarios start at unless told otherwise: 2026-03-01T09:00:00Z.
    public static let start = Timestamp(rfc3339: "2026-03-01T09:00:00Z")!

    /// A ledger at `start`, with the catalog recorded as its first event when one is given.
    public init(startingAt start: Timestamp = Scenario.start, catalog: Catalog? = nil) {
        now = start
        if let catalog { record(.catalogUpdated(catalog)) }
    }

    /// The last event's outcome.
    public var lastOutcome: Outcome { outcomes[outcomes.count - 1] }

    /// Records and applies any event at `now`.
    @discardableResult
    public mutating func record(_ payload: EventPayload, fingerprint: String? = nil) -> Outcome {
        let event = Event(seq: Int64(events.count + 1), recordedAt: now, fingerprint: fingerprint, payload: payload)
        events.append(event)
        let outcome = state.apply(event)
        outcomes.append(outcome)
        return outcome
    }

    /// Records a webhook command for one contact, with generated values as a recorder would make them.
    @discardableResult
    public mutating func webhook(
        _ operation: WebhookOperation, _ contactID: String, email: String? = nil, firstName: String? = nil,
        lastName: String? = nil, tags: [String]? = nil, fields: [String: String] = [:],
        parameters: [String: String] = [:], fingerprint: String? = nil
    ) -> Outcome {
        let contact = ContactData(
            contactID: contactID, email: email, firstName: firstName, lastName: lastName, tags: tags, fields: fields)
        return webhook(WebhookCommand(operation, contact: contact, parameters: parameters), fingerprint: fingerprint)
    }

    /// Records a webhook command, with generated values as a recorder would make them.
    @discardableResult
    public mutating func webhook(_ command: WebhookCommand, fingerprint: String? = nil) -> Outcome {
        let seq = Int64(events.count + 1)
        let generated = GeneratedValues(
            passwordHash: command.operation == .genpass
                ? Self.passwordHash(for: command.contacts.first?.contactID ?? "") : nil,
            entropy: Array(SHA256.hash(Array("scenario-entropy-\(seq)".utf8)).prefix(16)))
        return record(
            .webhookReceived(WebhookReceived(command: command, generated: generated)), fingerprint: fingerprint)
    }

    /// Records `aal_genpass` for a contact.
    @discardableResult
    public mutating func genpass(
        _ contactID: String, email: String? = nil, firstName: String? = nil, lastName: String? = nil,
        tags: [String]? = nil, fields: [String: String] = [:]
    ) -> Outcome {
        webhook(.genpass, contactID, email: email, firstName: firstName, lastName: lastName, tags: tags, fields: fields)
    }

    /// Moves `now` forward.
    public mutating func wait(days: Int64 = 0, hours: Int64 = 0, minutes: Int64 = 0, seconds: Int64 = 0) {
        now = now.adding(seconds: ((days * 24 + hours) * 60 + minutes) * 60 + seconds)
    }

    /// The state as of an instant after the last event (time transitions applied), leaving the ledger as is.
    public func state(asOf instant: Timestamp) -> LedgerState {
        state.advanced(to: instant).state
    }

    /// The password hash the scenario generates for a contact's genpass.
    public static func passwordHash(for contactID: String) -> String {
        DjangoPasswordHash(password: "password-\(contactID)", salt: "scenariosalt", iterations: 1).encoded
    }
}
