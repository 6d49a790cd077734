import Foundation

/// Where the server listens and the limits that keep any client from tying it up or growing its memory.
///
/// Memory per connection is bounded by `maxHeaderBytes` or `maxBodyBytes` (whichever applies) plus the
/// answers it is owed; an idle connection holds no buffer at all.
public struct HTTPServerConfiguration: Sendable {
    /// A numeric IPv4 or IPv6 address to bind; loopback by default, anything else is an explicit choice.
    public var host: String
    /// The TCP port; 0 picks a free one (read it back from `HTTPServer.port`).
    public var port: Int
    /// Connections held at once (idle keep-alive ones included; none holds a thread). One more is
    /// accepted, answered `503` with `Retry-After: 1` at once, and closed.
    public var maxConnections: Int
    /// Connections from one peer address that have not yet sent a whole request (slow senders); over it,
    /// the oldest of them is closed to make room for the new one, so nothing is refused for their sake.
    public var maxUnprovenPerAddress: Int
    /// How long a connection has to send a whole request before it may be closed to make room for a
    /// new one from its address (a burst of fresh connections is never cut).
    public var slowSenderGraceSeconds: Double
    /// Event loop threads; by default one per core.
    public var eventLoops: Int
    /// The most threads for a blocking handler (`HTTPServer.init(configuration:handler:rejected:)`), started
    /// as requests need them; requests beyond them and four times as many waiting are answered 503.
    public var blockingThreads: Int
    /// The request line plus the header section, CRLFs included; over it the answer is `431` and close.
    public var maxHeaderBytes: Int
    /// The body after de-chunking; over it the answer is `413` and close, decided from `Content-Length`
    /// before reading when there is one.
    public var maxBodyBytes: Int
    /// Seconds without a byte from the peer: mid-request that is `408` and close; between keep-alive
    /// requests the connection closes silently. A peer that takes no byte of a response for this long is
    /// dropped too.
    public var readTimeoutSeconds: Double
    /// Seconds from a request's first byte to its last body byte; later is `408` and close, however
    /// steadily the bytes trickle in.
    public var requestDeadlineSeconds: Double

    /// Creates a configuration; every limit has a default suited to a webhook receiver.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, maxConnections: Int = 16_384, maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1 << 20, readTimeoutSeconds: Double = 5.0, requestDeadlineSeconds: Double = 10.0,
        eventLoops: Int = ProcessInfo.processInfo.activeProcessorCount, blockingThreads: Int = 64,
        maxUnprovenPerAddress: Int = 256
    ) {
        self.maxUnprovenPerAddress = maxUnprovenPerAddress
        slowSenderGraceSeconds = 1
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.eventLoops = eventLoops
        self.blockingThreads = blockingThreads
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.readTimeoutSeconds = readTimeoutSeconds
        self.requestDeadlineSeconds = requestDeadlineSeconds
    }

    /// Why these values cannot run a server, or nil when they can.
    var problem: String? {
        if !(0...65535).contains(port) { return "port \(port) is not in 0...65535" }
        if maxConnections < 1 { return "maxConnections must be at least 1" }
        if !(1...256).contains(eventLoops) { return "eventLoops must be in 1...256" }
        if blockingThreads < 1 { return "blockingThreads must be at least 1" }
        if maxUnprovenPerAddress < 1 { return "maxUnprovenPerAddress must be at least 1" }
        if !(slowSenderGraceSeconds >= 0 && slowSenderGraceSeconds < 86_400) {
            return "slowSenderGraceSeconds must be at least 0 and below a day"
        }
        if maxHeaderBytes < 64 { return "maxHeaderBytes must be at least 64" }
        if maxBodyBytes < 0 { return "maxBodyBytes must not be negative" }
        if !(readTimeoutSeconds > 0 && readTimeoutSeconds < 86_400) {
            return "readTimeoutSeconds must be above 0 and below a day"
        }
        if !(requestDeadlineSeconds > 0 && requestDeadlineSeconds < 86_400) {
            return "requestDeadlineSeconds must be above 0 and below a day"
        }
        return nil
    }
}
