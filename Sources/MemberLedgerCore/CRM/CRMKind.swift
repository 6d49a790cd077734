/// The CRMs MemberLedger connects to. The raw value is the name an admin types
/// (`memberledger crm connect keap`) and the name the journal records.
public enum CRMKind: String, Sendable, Hashable, CaseIterable {
    /// ActiveCampaign, API v3.
    case activeCampaign = "activecampaign"
    /// Keap (Infusionsoft), REST v1.
    case keap
    /// Ontraport, API v1.
    case ontraport
    /// Kit (ConvertKit), API v4.
    case kit
    /// Drip, API v2.
    case drip

    /// The CRM's name as people write it.
    public var displayName: String {
        switch self {
        case .activeCampaign: "ActiveCampaign"
        case .keap: "Keap"
        case .ontraport: "Ontraport"
        case .kit: "Kit"
        case .drip: "Drip"
        }
    }
}
