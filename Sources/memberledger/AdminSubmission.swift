import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerServer

/// How an admin verb records its event: offline when no server holds the writer's lock, else through the
/// running server (`POST /admin/...` with the handshake, at the address it noted in `DIR/server.url`),
/// so the admin never has to stop the server to retry the outbox or reset a password.
enum AdminSubmission {
    /// Opens the writer and runs `offline`, or posts `body` to the server's `path` when one is writing.
    static func run(
        _ arguments: ParsedArguments, path: String, body: JSONValue, offline: (JournalWriter) -> Never
    ) -> Never {
        let verb = arguments.verb.name
        let writer: JournalWriter
        do {
            writer = try JournalWriter(folder: arguments.folder)
        } catch .locked(_, let pid) {
            post(arguments, path: path, body: body, pid: pid)
        } catch {
            writerFailed(verb, error)
        }
        offline(writer)
    }

    private static func post(_ arguments: ParsedArguments, path: String, body: JSONValue, pid: Int32?) -> Never {
        let verb = arguments.verb.name
        let folder = arguments.folder
        guard let base = ServerAddress.read(folder) else {
            fail(
                "\(verb): a server\(pid.map { " (pid \($0))" } ?? "") is writing to \(folder.path) but noted no "
                    + "address in \(ServerAddress.path(folder)); stop it and run this again", .tempFail)
        }
        let handshake = loadHandshake(verb, folder: folder)
        let request = CRMRequest(
            method: "POST", url: base + path,
            headers: [("Authorization", "Bearer \(handshake)"), ("Content-Type", "application/json")],
            body: JSONWriter.bytes(body))
        let response: CRMResponse
        do {
            response = try URLSessionTransport(timeout: 30).send(request)
        } catch {
            fail("\(verb): the server at \(base) did not answer: \(error)", .unavailable)
        }
        guard let answer = try? JSONParser.parse(response.body) else {
            fail("\(verb): the server answered HTTP \(response.status) with no JSON", .unavailable)
        }
        if let error = answer["error"]?.stringValue {
            fail("\(verb): \(error)", response.status == 404 ? .noInput : .unavailable)
        }
        OfflineWriter.printOutcome(answer, json: arguments.json, type: verb)
        exit(answer["outcome"]?.stringValue == "rejected" ? ExitCode.checkFailed.rawValue : ExitCode.ok.rawValue)
    }
}
