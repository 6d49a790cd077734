import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerServer

/// `memberledger password reset CONTACT`: the admin's way out when a member's password was lost.
enum PasswordVerb {
    static let spec = VerbSpec(
        name: "password", summary: "Issue a new password for a member (journaled hash, delivered to the CRM).",
        arguments: "reset CONTACT", positionalCount: 2...2,
        options: [
            .data, .json,
            OptionSpec(
                name: "--password-iterations", value: "N",
                help: "PBKDF2 iterations for the new password (default 600000)"),
        ],
        details: """
            The new password's hash is journaled (`password.reset`). When the linked CRM has a password field, the
            plaintext waits in DIR/secrets/ until the CRM accepted it, like a genpass's; otherwise it is printed
            once, here, and nowhere else. With a server running, the request goes through it.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        guard arguments.positional[0] == "reset" else {
            usageError(spec, "unknown action \(arguments.positional[0]); the action is reset")
        }
        let contactID = arguments.positional[1]
        let iterations = Int(
            arguments.integer("--password-iterations", minimum: 1) ?? Int64(DjangoPasswordHash.defaultIterations))
        AdminSubmission.run(
            arguments, path: "/admin/password/reset", body: .object([("contactId", .string(contactID))])
        ) { writer in
            OfflineWriter.record(with: writer, json: arguments.json) { state in
                guard state.member(contactID) != nil else {
                    fail("password: \(Reason.unknownMember(contactID: contactID))", .noInput)
                }
                let keeps = state.crm.link?.passwordField != nil
                do {
                    let reset = try AdminRequest.passwordReset(
                        contactID: contactID, iterations: iterations,
                        spool: keeps ? PasswordSpool(folder: writer.folder) : nil, now: SystemClock.now())
                    if keeps {
                        emit(
                            2,
                            "the new password waits in the spool for the CRM's field \(state.crm.link?.passwordField ?? "")\n"
                        )
                    } else {
                        emit(2, "no CRM password field: give the member this password yourself: \(reset.password)\n")
                    }
                    return reset.draft
                } catch {
                    fail("password: the new password could not be spooled: \(error)", .ioError)
                }
            }
        }
    }
}
