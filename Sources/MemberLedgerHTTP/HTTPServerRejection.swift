/// What the server answered by itself (the handler never saw it), for the application's log and metrics:
/// a malformed request (400), a timeout (408), a body or header section over its limit (413, 431), an
/// unsupported version, coding or expectation (505, 501, 417), or a connection over the cap (503).
///
/// Connections that end without an answer (the peer went away, or stayed idle between requests) are not
/// reported.
public struct HTTPServerRejection: Sendable, Equatable {
    /// The status the server answered with.
    public var status: Int
    /// Why, e.g. `duplicate Content-Length`.
    public var reason: String
    /// The peer as `address:port`.
    public var remoteAddress: String

    /// Creates a rejection record.
    public init(status: Int, reason: String, remoteAddress: String) {
        self.status = status
        self.reason = reason
        self.remoteAddress = remoteAddress
    }
}
