import MemberLedgerCRM
import MemberLedgerCore

/// The connection and key every scripted test uses, per CRM.
enum TestAccounts {
    /// A key with a shape no answer contains by chance.
    static let key = "sk-Test-9f2c41d7e8b3"
    static let appID = "2_12345_AbCdEf"
    static let account = "9999999"

    static func connection(_ kind: CRMKind) -> CRMConnection {
        CRMConnection(kind: kind, baseURL: ScriptedTransport.baseURL, account: account, appID: appID)
    }

    /// The client for `kind` over `transport`, as production makes it.
    static func client(_ kind: CRMKind, _ transport: any CRMTransport) -> any CRMClient {
        CRMClients.make(connection(kind), key: key, transport: transport)
    }

    /// The request `verify` sends, per CRM.
    static func verifyRequest(_ kind: CRMKind) -> String {
        switch kind {
        case .activeCampaign: "GET /api/3/users/me"
        case .keap: "GET /crm/rest/v1/account/profile"
        case .ontraport: "GET /1/objects/meta?objectID=0&format=byId"
        case .kit: "GET /v4/account"
        case .drip: "GET /v2/accounts"
        }
    }

    /// A 2xx answer to `verify` as each CRM documents it.
    static func verifyAnswer(_ kind: CRMKind) -> String {
        switch kind {
        case .activeCampaign: #"{"user":{"id":"1","username":"admin","email":"ada@example.com"}}"#
        case .keap: #"{"name":"Acme","email":"ada@example.com"}"#
        case .ontraport: #"{"code":0,"data":{"0":{"name":"Contact","fields":{}}}}"#
        case .kit: #"{"user":{"email":"ada@example.com"},"account":{"name":"Acme","plan_type":"creator"}}"#
        case .drip: #"{"accounts":[{"id":"1234567","name":"Other"},{"id":"9999999","name":"Acme"}]}"#
        }
    }
}
