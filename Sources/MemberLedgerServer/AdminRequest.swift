import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal

/// The admin actions that record an event, shared by the running server (`POST /admin/...`) and the
/// offline command line, so both make the same event the same way.
public enum AdminRequest {
    /// A new password for a member: its hash in the event, the plaintext spooled first when `spool` is
    /// given (passwords are written back). Returns the event to record and the plaintext.
    public static func passwordReset(
        contactID: String, iterations: Int, spool: PasswordSpool?, now: Timestamp
    ) throws(SystemError) -> (draft: EventDraft, password: String) {
        var generator = SystemRandomNumberGenerator()
        let (password, hash) = Recorder.newPassword(iterations: iterations, using: &generator)
        try spool?.put(password, hash: hash, contactID: contactID, at: now)
        return (EventDraft(.passwordReset(PasswordReset(contactID: contactID, passwordHash: hash))), password)
    }

    /// Reads `{"items":[3,4]}` or `{"all":true}` (the body of `POST /admin/outbox/retry`).
    public static func outboxRetry(json: JSONValue) -> OutboxRetry? {
        if json["all"]?.boolValue == true { return OutboxRetry(all: true) }
        guard let items = json["items"]?.arrayValue, !items.isEmpty else { return nil }
        let ids = items.compactMap(\.int64Value)
        return ids.count == items.count ? OutboxRetry(items: ids) : nil
    }

    /// The JSON body for an outbox retry.
    public static func json(_ retry: OutboxRetry) -> JSONValue {
        retry.all ? .object([("all", .bool(true))]) : .object([("items", .array(retry.items.map { .int($0) }))])
    }
}
