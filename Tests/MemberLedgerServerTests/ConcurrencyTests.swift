import Dispatch
import Foundation
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerTesting
import Synchronization
import Testing

@Suite("Password hashing beside other requests", .serialized)
struct ConcurrencyTests {
    @Test("a genpass hashing a password never holds up other requests or the journal")
    func hashingDoesNotStall() throws {
        let temp = TemporaryFolder()
        var http = HTTPServerConfiguration()
        http.port = 0
        http.requestDeadlineSeconds = 120
        let server = try WebhookServer(
            configuration: ServerConfiguration(
                folder: DataFolder(path: temp.appending("data")), http: http, handshake: "H4ndSh4k3H4ndSh4k3",
                passwordIterations: 400_000))
        try server.start()
        defer { server.shutdown() }
        let form = [("Content-Type", "application/x-www-form-urlencoded")]
        let order = Mutex<[String]>([])
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            let answer = try? PythonClient.send(
                [
                    PythonClient.request(
                        "POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3", headers: form, body: "contactId=slow")
                ],
                port: server.port)
            order.withLock { $0.append("genpass \(answer?.first?.status ?? 0)") }
            group.leave()
        }
        // While the genpass hashes, site events are recorded and answered: each one is durable before its
        // answer, so the journal is not held up either.
        var answered = 0
        while order.withLock({ $0.isEmpty }) && answered < 20 {
            let imported = PythonClient.request(
                "POST", "/events", headers: [("Authorization", "Bearer H4ndSh4k3H4ndSh4k3")],
                body: #"{"type":"member.imported","contact":{"contactId":"i\#(answered)"}}"#)
            if try PythonClient.send([imported], port: server.port).first?.status == 200 { answered += 1 }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(answered >= 1, "no other request was answered while the password was hashed")
        #expect(order.withLock { $0 } == ["genpass 200"])
    }
}
