import MemberLedgerCore

/// What a fake was started with, which every dialect reads and none changes.
struct FakeCRMSettings: Sendable {
    /// Which CRM the fake speaks.
    let kind: CRMKind
    /// The API key it accepts.
    let key: String
    /// Ontraport's App ID (`Api-Appid`).
    let appID: String
    /// The account id (Drip's, in every path; shown by the others' account answers).
    let accountID: String
    /// The most items any list answer holds.
    let pageSize: Int

    /// How many items a list answer holds: what the client asked for (else the CRM's default), at most
    /// `pageSize`.
    func pageLength(requested: Int?, default defaultLength: Int) -> Int {
        min(requested ?? defaultLength, pageSize)
    }

    /// The dialect of `kind`.
    var dialect: any FakeCRMDialect.Type {
        switch kind {
        case .activeCampaign: FakeActiveCampaign.self
        case .keap: FakeKeap.self
        case .ontraport: FakeOntraport.self
        case .kit: FakeKit.self
        case .drip: FakeDrip.self
        }
    }
}
