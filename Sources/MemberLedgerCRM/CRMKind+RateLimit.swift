import MemberLedgerCore

extension CRMKind {
    /// The request rate each CRM documents for one account or key, which the outbox worker keeps to
    /// unless the connection sets its own: ActiveCampaign 5/s, Keap 10/s (its spikes to 25/s are not
    /// counted on), Ontraport 180/min, Kit 120 per rolling 60 s, Drip 3,600/h.
    public var documentedRequestsPerSecond: Double {
        switch self {
        case .activeCampaign: 5
        case .keap: 10
        case .ontraport: 3
        case .kit: 2
        case .drip: 1
        }
    }
}
