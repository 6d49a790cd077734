import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Events: version 1 JSON")
struct EventCodingTests {
    static let at = Timestamp(rfc3339: "2026-03-01T09:00:00.123456Z")!

    static let payloads: [EventPayload] = [
        .webhookReceived(
            WebhookReceived(
                command: WebhookCommand(
                    .updateTeam,
                    contact: ContactData(
                        contactID: "42", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace",
                        tags: ["b", "a", "ünïcode \"quoted\""], fields: ["z": "1", "a": "line\nbreak"]),
                    parameters: ["teamId": "3", "change": "5"]),
                generated: GeneratedValues(passwordHash: "pbkdf2_sha256$1$s$h", entropy: [0, 1, 254, 255]))),
        .webhookReceived(
            WebhookReceived(
                command: WebhookCommand(
                    operation: .batchSync,
                    contacts: [ContactData(contactID: "1"), ContactData(contactID: "2", tags: [])]))),
        .orderCompleted(
            OrderCompleted(contactID: "42", productID: "11", gateway: .paypal, amount: 4900, currency: "USD")),
        .paymentFailed(PaymentReported(contactID: "42", productID: "11", amount: 4900)),
        .paymentSucceeded(PaymentReported(contactID: "42", productID: "11", amount: 1)),
        .teamMemberAdded(TeamMemberAdded(programID: "3", leaderContactID: "42", contactID: "43")),
        .couponRedeemed(CouponRedeemed(contactID: "42", code: "ABCDEFGHJK")),
        .catalogUpdated(.sample),
        .memberImported(MemberImported(contact: ContactData(contactID: "7", email: "x@y.z"), passwordHash: nil)),
    ]

    @Test("every payload type survives a round trip, byte for byte", arguments: payloads)
    func roundTrip(payload: EventPayload) throws {
        let event = Event(
            seq: 7, recordedAt: Self.at, occurredAt: Self.at.adding(seconds: -3), fingerprint: "fp", payload: payload)
        let line = event.jsonLine
        let decoded = try Event(jsonText: Array(line.utf8))
        #expect(decoded == event)
        #expect(decoded.jsonLine == line)
        #expect(!line.contains("\n"))
    }

    @Test("a webhook event line has the documented shape")
    func shape() {
        let event = Event(
            seq: 1, recordedAt: Self.at,
            payload: .webhookReceived(
                WebhookReceived(
                    command: WebhookCommand(
                        .fieldOperation, contact: ContactData(contactID: "42"), parameters: ["operationId": "7"]))))
        #expect(
            event.jsonLine
                == #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00.123456Z","type":"webhook.received","data":{"operation":"aal_fieldop","contacts":[{"contactId":"42"}],"parameters":{"operationId":"7"}}}"#
        )
    }

    @Test(
        "a line that is not an event says what is wrong",
        arguments: [
            (#"{"v":2,"seq":1,"at":"2026-03-01T09:00:00Z","type":"x","data":{}}"#, "event version 2 is not supported"),
            (
                #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"member.deleted","data":{}}"#,
                #"event type "member.deleted" is not known"#
            ),
            (
                #"{"v":1,"seq":1,"at":"yesterday","type":"coupon.redeemed","data":{}}"#,
                #"event at: "yesterday" is not an RFC 3339 time"#
            ),
            (
                #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"coupon.redeemed","data":{"contactId":"1"}}"#,
                #"event data: missing required key "code""#
            ),
            (
                #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"coupon.redeemed","data":{"contactId":"1","code":"X","extra":1}}"#,
                #"event data: unknown key "extra""#
            ),
            (
                #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"webhook.received","data":{"operation":"aal_nonsense","contacts":[]}}"#,
                #"event data.operation: "aal_nonsense" is not one of the 14 aal_* commands"#
            ),
            (
                #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"order.completed","data":{"contactId":"1","productId":"1","gateway":"cash","amount":1,"currency":"USD"}}"#,
                #"event data.gateway: "cash" is not stripe or paypal"#
            ),
            (#"{"v":1,"seq":1"#, "event is not valid JSON"),
        ])
    func decodingErrors(line: String, message: String) {
        #expect {
            try Event(jsonText: Array(line.utf8))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("a recorded catalog that breaks the rules still decodes; the reducer refuses it")
    func invalidCatalogDecodes() throws {
        let line =
            #"{"v":1,"seq":1,"at":"2026-03-01T09:00:00Z","type":"catalog.updated","data":{"catalog":{"customOperations":[{"id":"1","name":"a","actions":[],"then":"1"}]}}}"#
        let event = try Event(jsonText: Array(line.utf8))
        var state = LedgerState()
        #expect(state.apply(event).reason == .invalidCatalog(.cycle(["1"])))
    }
}
