/// Where a client for a saved connection comes from, so the outbox worker and `crm connect` need not
/// know which CRM they talk to.
public enum CRMClients {
    /// The client for `connection.kind`, speaking through `transport` (URLSession unless a test gives
    /// another) with `key`, which reaches only the request headers.
    public static func make(
        _ connection: CRMConnection, key: String, transport: any CRMTransport = URLSessionTransport()
    ) -> any CRMClient {
        switch connection.kind {
        case .activeCampaign: ActiveCampaignClient(connection: connection, key: key, transport: transport)
        case .keap: KeapClient(connection: connection, key: key, transport: transport)
        case .ontraport: OntraportClient(connection: connection, key: key, transport: transport)
        case .kit: KitClient(connection: connection, key: key, transport: transport)
        case .drip: DripClient(connection: connection, key: key, transport: transport)
        }
    }
}
