import Foundation
import MemberLedgerHTTP
import MemberLedgerTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Values collected on server threads and read by the test.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    var all: [Value] { values.withLock { $0 } }
}

/// What the echo handler answers: the request as the server parsed it.
struct Echo: Codable, Sendable {
    var method: String
    var target: String
    var path: String
    var query: String?
    var host: String?
    var headerCount: Int
    var bodyLength: Int
    var body: Data
    var remoteAddress: String
}

/// An `HTTPServer` on a free loopback port for one test, answering with an echo unless told otherwise,
/// and recording what it handled and what it refused.
final class TestServer: Sendable {
    let server: HTTPServer
    let handled = Recorder<HTTPRequest>()
    let rejections = Recorder<HTTPServerRejection>()

    var port: Int { server.port }

    init(
        _ configuration: HTTPServerConfiguration = .testing(), handler: (@Sendable (HTTPRequest) -> HTTPResponse)? = nil
    )
        throws
    {
        let handled = handled
        let rejections = rejections
        let respond = handler ?? TestServer.echo
        server = HTTPServer(
            configuration: configuration,
            handler: { request in
                handled.append(request)
                return respond(request)
            },
            rejected: { rejections.append($0) })
        try server.start()
    }

    /// Answers 200 with the request as JSON.
    @Sendable static func echo(_ request: HTTPRequest) -> HTTPResponse {
        let echo = Echo(
            method: request.method, target: request.target, path: request.path, query: request.query,
            host: request.headers["host"], headerCount: request.headers.count, bodyLength: request.body.count,
            body: Data(request.body), remoteAddress: request.remoteAddress)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return .json(200, [UInt8](try! encoder.encode(echo)))
    }

    /// Whether a TCP connection to the port is accepted now.
    var isAccepting: Bool { (try? LoopbackClient(port: port)) != nil }
}

extension HTTPServerConfiguration {
    /// Loopback, a free port, and timeouts short enough for tests yet long enough for a loaded machine.
    static func testing(
        maxConnections: Int = 32, maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1 << 20,
        readTimeout: Double = 3, deadline: Double = 6
    ) -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, maxConnections: maxConnections, maxHeaderBytes: maxHeaderBytes,
            maxBodyBytes: maxBodyBytes, readTimeoutSeconds: readTimeout, requestDeadlineSeconds: deadline)
    }
}

/// Waits (polling every 10 ms) until `condition` holds or `seconds` pass; for effects that happen on
/// server threads after the client is done, like a connection count dropping.
/// Waits for a condition; the limit is generous because CI runs every suite in parallel on two cores,
/// and a passing condition returns at once.
func eventually(within seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Checks that a follow-up GET (from `RawClient.exchange(followUp: true)`) was served normally.
func expectServed(_ followUp: Data?, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = try #require(followUp, "no follow-up response", sourceLocation: sourceLocation)
    let responses = try ParsedResponse.parseAll([UInt8](bytes))
    #expect(responses.count == 1, sourceLocation: sourceLocation)
    #expect(responses.first?.status == 200, sourceLocation: sourceLocation)
}

/// Bytes of a text, for building raw requests.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A flag set on one thread and read on another.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .sequentiallyConsistent) }

    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
