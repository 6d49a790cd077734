import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal

/// How to run the webhook server.
public struct ServerConfiguration: Sendable {
    /// The data folder (journal, snapshots, handshake).
    public var folder: DataFolder
    /// The HTTP listener and its limits.
    public var http: HTTPServerConfiguration
    /// The shared secret every webhook URL and `/events` request carries.
    public var handshake: String
    /// A catalog to record at start when it differs from the current one.
    public var catalog: Catalog?
    /// PBKDF2 iterations for generated passwords.
    public var passwordIterations: Int
    /// Appends allowed to wait for durability at once; more are answered 503 at once. Below the
    /// connection cap, so that a stalled disk is answered 503 rather than by a full accept queue.
    public var maxPendingAppends: Int
    /// Seconds a request waits for its record to be durable before it is answered 503 (the record is still
    /// written; the CRM's retry then finds it as a duplicate). Far below ActiveCampaign's 5 s.
    public var durabilityTimeout: Double
    /// Where the access log goes (one line per request); never receives a secret.
    public var accessLog: @Sendable (String) -> Void
    /// The clock events are recorded with.
    public var clock: @Sendable () -> Timestamp
    /// The journal's write and sync (a seam for fault injection in tests).
    public var storage: any JournalStorage
    /// Events between snapshots written while running (0: only at shutdown), so that a restart after a
    /// crash replays at most about this many.
    public var snapshotEvery: Int
    /// How often the server checks whether a snapshot is due, in seconds.
    public var snapshotCheckSeconds: Double
    /// The CRM to pull from and write back to; nil: none (a link recorded earlier is then removed).
    public var crm: CRMSetup?
    /// The secret that opens the read API (`AdminToken`); nil: every read is refused.
    public var adminToken: String?
    /// Seconds between the live feed's keep-alive comments.
    public var streamHeartbeatSeconds: Double
    /// A reverse proxy in front is trusted for `X-Forwarded-For` and `X-Forwarded-Proto` (the console's
    /// login limit counts clients, not the proxy; its cookie is `Secure` behind https).
    public var behindProxy: Bool
    /// Seconds between scrubs (whole-journal verifications; one runs at start); 0: only at start.
    public var scrubInterval: Double
    /// The most bytes a scheduled scrub reads per second.
    public var scrubBytesPerSecond: Double

    /// Creates a configuration.
    public init(
        folder: DataFolder, http: HTTPServerConfiguration = HTTPServerConfiguration(), handshake: String,
        catalog: Catalog? = nil, passwordIterations: Int = DjangoPasswordHash.defaultIterations,
        maxPendingAppends: Int = 128, durabilityTimeout: Double = 0.8,
        accessLog: @escaping @Sendable (String) -> Void = { _ in },
        clock: @escaping @Sendable () -> Timestamp = SystemClock.now, storage: any JournalStorage = SystemStorage(),
        snapshotEvery: Int = 100_000, snapshotCheckSeconds: Double = 30, crm: CRMSetup? = nil,
        adminToken: String? = nil, streamHeartbeatSeconds: Double = 15, behindProxy: Bool = false,
        scrubInterval: Double = 86_400, scrubBytesPerSecond: Double = 16 * 1_048_576
    ) {
        self.scrubInterval = scrubInterval
        self.scrubBytesPerSecond = scrubBytesPerSecond
        self.folder = folder
        self.http = http
        self.handshake = handshake
        self.catalog = catalog
        self.passwordIterations = passwordIterations
        self.maxPendingAppends = maxPendingAppends
        self.durabilityTimeout = durabilityTimeout
        self.accessLog = accessLog
        self.clock = clock
        self.storage = storage
        self.snapshotEvery = snapshotEvery
        self.snapshotCheckSeconds = snapshotCheckSeconds
        self.crm = crm
        self.adminToken = adminToken
        self.streamHeartbeatSeconds = streamHeartbeatSeconds
        self.behindProxy = behindProxy
    }
}

/// A CRM connection as the server uses it: the saved settings, a client for them, and how the outbox
/// worker retries.
public struct CRMSetup: Sendable {
    /// The saved connection (never the key).
    public var connection: CRMConnection
    /// The client that speaks to it.
    public var client: any CRMClient
    /// When failed deliveries are tried again.
    public var retryPolicy: RetryPolicy
    /// Deliveries attempted at once (each for a different contact).
    public var concurrency: Int

    /// Creates a setup.
    public init(
        connection: CRMConnection, client: any CRMClient, retryPolicy: RetryPolicy = .standard, concurrency: Int = 4
    ) {
        self.connection = connection
        self.client = client
        self.retryPolicy = retryPolicy
        self.concurrency = concurrency
    }
}
