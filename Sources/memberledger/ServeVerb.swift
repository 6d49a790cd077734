import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerWebhooks

/// `memberledger serve`: the webhook server on the data folder.
enum ServeVerb {
    static let spec = VerbSpec(
        name: "serve", summary: "Run the webhook server: every request is a durable event before it is answered.",
        arguments: "", positionalCount: 0...0,
        options: [
            .data,
            OptionSpec(name: "--host", value: "ADDRESS", help: "the numeric address to listen on (default 127.0.0.1)"),
            OptionSpec(name: "--port", value: "N", help: "the port (default 8080; 0 picks a free one)"),
            OptionSpec(
                name: "--catalog", value: "FILE",
                help: "record this catalog at start when it differs from the current one"),
            OptionSpec(
                name: "--password-iterations", value: "N", help: "PBKDF2 iterations for new passwords (default 600000)"),
            OptionSpec(
                name: "--retry-delay", value: "SECONDS",
                help: "the outbox's first retry delay, doubling to an hour (default 2)"),
            OptionSpec(
                name: "--behind-proxy", value: nil,
                help: "trust X-Forwarded-For/-Proto from a reverse proxy in front (console login limit, Secure cookie)"),
            OptionSpec(
                name: "--heartbeat", value: "SECONDS",
                help: "seconds between the live feed's keep-alive comments (default 15; below a proxy's idle timeout)"),
            OptionSpec(
                name: "--scrub-every", value: "SECONDS",
                help: "seconds between whole-journal verifications (default 86400; one runs at start; 0: only then)"),
            OptionSpec(
                name: "--scrub-rate", value: "MB", help: "the most MB a scheduled scrub reads per second (default 16)"),
        ],
        details: """
            The handshake comes from MEMBERLEDGER_HANDSHAKE, else DIR/handshake (made on first start), and
            must be 16 or more ASCII letters and digits (anything else: exit 65). The admin token, which opens
            the read API (/api/..., Docs/api.md), comes from MEMBERLEDGER_ADMIN_TOKEN, else DIR/admin-token (made
            on first start): 32 or more ASCII letters and digits, never the handshake. The access log goes to
            stderr. While running, a snapshot is written every 100000 events (checked every
            30 s), so a restart after a crash replays only the tail. The journal and snapshots are scrubbed
            (verified whole) at start and daily; damage found stops writes (503) and shows in /healthz. SIGINT or SIGTERM: stop accepting, finish
            requests in flight, write a snapshot, exit 0. See Docs/http.md.
            With a CRM connection saved (`memberledger crm connect`), the server records the link, pulls
            contacts after genpass, updateuser and batchsync, and writes back what the site decided through a
            durable outbox (Docs/crm.md).
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let folder = arguments.folder
        var http = HTTPServerConfiguration()
        http.host = arguments.options["--host"] ?? "127.0.0.1"
        if let port = arguments.integer("--port") {
            guard port <= 65535 else { usageError(spec, "--port takes 0 to 65535, got \(port)") }
            http.port = Int(port)
        }
        var catalog: Catalog?
        if let path = arguments.options["--catalog"] {
            guard let data = FileManager.default.contents(atPath: path) else {
                fail("serve: cannot read \(path)", .noInput)
            }
            do {
                catalog = try Catalog(jsonText: String(decoding: data, as: UTF8.self))
            } catch {
                fail("serve: \(path): \(error)", .badData)
            }
        }
        let iterations = Int(
            arguments.integer("--password-iterations", minimum: 1) ?? Int64(DjangoPasswordHash.defaultIterations))
        // A folder restored from a snapshot alone takes nothing (and gets no new secrets) until repaired.
        if !FileSystem.exists(folder.journal), let marker = SnapshotRestore(folder: folder).marker {
            writerFailed("serve", .restoredFromSnapshot(seq: marker.record.seq))
        }
        let handshake = loadHandshake("serve", folder: folder)
        let adminToken = loadAdminToken("serve", folder: folder, handshake: handshake)
        var heartbeat = 15.0
        if let text = arguments.options["--heartbeat"] {
            guard let seconds = Double(text), seconds >= 0.01, seconds <= 3600 else {
                usageError(spec, "--heartbeat takes seconds from 0.01 to 3600, got \(text)")
            }
            heartbeat = seconds
        }
        let scrubEvery = Double(arguments.options["--scrub-every"] ?? "86400") ?? -1
        let scrubRate = Double(arguments.options["--scrub-rate"] ?? "16") ?? -1
        guard scrubEvery >= 0, scrubRate > 0 else {
            usageError(spec, "--scrub-every takes seconds ≥ 0 and --scrub-rate MB per second > 0")
        }
        // SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask), so they stay
        // pending until the main thread takes them with sigwait and shuts down in order.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        // Each connection is a descriptor: the event loops can hold thousands, if the process may open them.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        if let openFiles, openFiles < http.maxConnections + 64 {
            warn(
                "at most \(openFiles) open files: about \(max(0, openFiles - 64)) connections can be held at once "
                    + "(raise the hard limit, `ulimit -Hn`, for more)")
        }
        let accessLog = AccessLogWriter(descriptor: 2)
        let configuration = ServerConfiguration(
            folder: folder, http: http, handshake: handshake, catalog: catalog, passwordIterations: iterations,
            accessLog: { line in accessLog.write(line) }, crm: crmSetup(arguments), adminToken: adminToken,
            streamHeartbeatSeconds: heartbeat, behindProxy: arguments.switches.contains("--behind-proxy"),
            scrubInterval: scrubEvery, scrubBytesPerSecond: scrubRate * 1_048_576)
        let server: WebhookServer
        do {
            server = try WebhookServer(configuration: configuration) { error in
                accessLog.flush()
                emit(2, "memberledger: journal stopped: \(error); exiting so that a restart recovers it\n")
                exit(ExitCode.ioError.rawValue)
            }
            try server.start()
        } catch let error as JournalError {
            writerFailed("serve", error)
        } catch {
            fail("serve: \(error)", .ioError)
        }
        let base = "http://\(http.host):\(server.port)"
        say("listening on \(base) (data \(folder.path), head \(server.head.seq))")
        say("CRM: \(server.crmDescription ?? "none connected (memberledger crm connect)")")
        do {
            try ServerAddress.write(base, in: folder)
        } catch {
            warn("\(ServerAddress.path(folder)) not written (admin verbs then need the server stopped): \(error)")
        }
        say("webhook URLs (keep them secret: they carry the handshake):")
        for operation in WebhookOperation.allCases {
            say("  \(WebhookURL.make(operation, base: base, handshake: handshake))")
        }
        say("site events: POST \(base)/events with Authorization: Bearer <handshake>")
        say("console: \(base)/console/ (log in with the admin token)")
        say(
            "read API: \(base)/api/ with Authorization: Bearer <admin token> (the token is in "
                + "\(folder.path)/\(AdminToken.secret.fileName), or \(AdminToken.secret.environmentVariable))")
        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        say("shutting down: finishing requests in flight")
        server.shutdown()
        ServerAddress.remove(from: folder)
        do {
            if let path = try server.writeSnapshot() { say("snapshot written: \(path)") }
        } catch {
            warn("no snapshot written: \(error)")
        }
        accessLog.flush()
        say("stopped at seq \(server.head.seq)")
        exit(ExitCode.ok.rawValue)
    }

    /// The saved CRM connection with a client for it, kept to the CRM's rate; nil without one.
    private static func crmSetup(_ arguments: ParsedArguments) -> CRMSetup? {
        let saved: (CRMConnection, key: String)?
        do {
            saved = try ConnectionFile.load(arguments.folder)
        } catch {
            fail("serve: CRM connection: \(error)", .badData)
        }
        guard let (connection, key) = saved else { return nil }
        var policy = RetryPolicy.standard
        if let text = arguments.options["--retry-delay"] {
            guard let delay = Double(text), delay > 0 else { usageError(spec, "--retry-delay takes a positive number") }
            policy.firstDelay = delay
        }
        let rate = connection.requestsPerSecond ?? connection.kind.documentedRequestsPerSecond
        let transport = RateLimitedTransport(URLSessionTransport(), requestsPerSecond: rate)
        return CRMSetup(
            connection: connection, client: CRMClients.make(connection, key: key, transport: transport),
            retryPolicy: policy)
    }
}
