import Dispatch
import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerTesting
import Synchronization
import Testing

/// Storage whose syncs wait until the test opens the gate: a disk that has stalled.
final class GatedStorage: JournalStorage, @unchecked Sendable {
    private let gate = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var open = false

    func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError) { try file.writeAll(bytes) }

    func sync(_ file: FileDescriptor) throws(SystemError) {
        lock.lock()
        let isOpen = open
        lock.unlock()
        if !isOpen {
            gate.wait()
            gate.signal()
        }
        try file.sync()
    }

    func release() {
        lock.lock()
        open = true
        lock.unlock()
        gate.signal()
    }
}

@Suite("Backpressure and fail-stop", .serialized)
struct BackpressureTests {
    @Test("with the disk stalled and the append queue full, requests are answered 503 at once; none is lost")
    func queueFull() throws {
        let temp = TemporaryFolder()
        let storage = GatedStorage()
        var http = HTTPServerConfiguration()
        http.port = 0
        let server = try WebhookServer(
            configuration: ServerConfiguration(
                folder: DataFolder(path: temp.appending("data")), http: http, handshake: "H4ndSh4k3H4ndSh4k3",
                passwordIterations: 1, maxPendingAppends: 2, durabilityTimeout: 60, storage: storage))
        try server.start()
        defer {
            storage.release()
            server.shutdown()
        }
        // Four clients at once: two appends wait on the stalled disk, the other two must not wait.
        let requests = (1...4).map { index in
            PythonClient.request(
                "POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "contactId=\(index)")
        }
        // Real threads, not tasks: each client blocks while its request is held, and the cooperative pool
        // has only as many threads as cores.
        let port = server.port
        let collected = Mutex<[PythonClient.Response]>([])
        let group = DispatchGroup()
        for request in requests {
            group.enter()
            Thread.detachNewThread {
                let response =
                    (try? PythonClient.send([request], port: port).first) ?? .init(status: -1, headers: [:], body: "")
                collected.withLock { responses in
                    responses.append(response)
                    // Open the disk only once both refusals are in: they came while two appends were stuck.
                    if responses.filter({ $0.status == 503 }).count == 2 { storage.release() }
                }
                group.leave()
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let responses = collected.withLock { $0 }
        #expect(
            responses.map(\.status).sorted() == [200, 200, 503, 503], "\(responses.map { "\($0.status) \($0.body)" })")
        for refused in responses where refused.status == 503 {
            #expect(refused.headers["Retry-After"] == "1")
            #expect(refused.body.contains("retry"))
        }
        #expect(server.head.seq == 2)
    }

    @Test("a failed fsync stops the server: 503 from then on, health says stopped, the failure is reported once")
    func failStop() throws {
        struct BrokenDisk: JournalStorage {
            func write(_ bytes: [UInt8], to file: FileDescriptor) throws(SystemError) { try file.writeAll(bytes) }
            func sync(_ file: FileDescriptor) throws(SystemError) {
                throw SystemError(operation: "fdatasync", subject: file.path, code: EIO)
            }
        }
        let temp = TemporaryFolder()
        var http = HTTPServerConfiguration()
        http.port = 0
        let failures = Mutex(0)
        let server = try WebhookServer(
            configuration: ServerConfiguration(
                folder: DataFolder(path: temp.appending("data")), http: http, handshake: "H4ndSh4k3H4ndSh4k3",
                passwordIterations: 1, storage: BrokenDisk()),
            onJournalFailure: { _ in failures.withLock { $0 += 1 } })
        try server.start()
        defer { server.shutdown() }
        let post = PythonClient.request(
            "POST", "/?aal_genpass=H4ndSh4k3H4ndSh4k3",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: "contactId=1")
        let answers = try PythonClient.send([post, post, PythonClient.request("GET", "/healthz")], port: server.port)
        #expect(answers.map(\.status) == [503, 503, 503])
        #expect(answers[0].headers["Retry-After"] == "1")
        #expect(answers[2].body.contains("stopped"))
        #expect(failures.withLock { $0 } == 1)
    }
}
