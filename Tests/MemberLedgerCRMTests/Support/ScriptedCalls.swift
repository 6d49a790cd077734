import MemberLedgerCRM
import MemberLedgerCore

/// Scripts of whole operations as each CRM answers them, shared by the suites that check what a client
/// reads and the ones that check how it asks.
enum ScriptedCalls {
    /// Every request `pull("42")` makes, with the CRM's answers: contact Ada Lovelace, tags Gold and
    /// Trial, and a few custom fields (some null or empty, which are left out).
    static func pullSteps(_ kind: CRMKind) -> [ScriptedTransport.Step] {
        switch kind {
        case .activeCampaign:
            [
                .answer(
                    "GET /api/3/contacts/42",
                    #"{"contact":{"id":"42","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace"}}"#),
                // One tag id as a string, one as a number: AC's JSON is loose about ids.
                .answer(
                    "GET /api/3/contacts/42/contactTags",
                    #"{"contactTags":[{"id":"7","contact":"42","tag":"3"},{"id":"8","contact":"42","tag":4}]}"#),
                .answer("GET /api/3/tags/3", #"{"tag":{"id":"3","tag":"Gold","tagType":"contact"}}"#),
                .answer("GET /api/3/tags/4", #"{"tag":{"id":"4","tag":"Trial","tagType":"contact"}}"#),
                .answer(
                    "GET /api/3/contacts/42/fieldValues",
                    #"{"fieldValues":[{"id":"9","contact":"42","field":"2","value":"X1"},"#
                        + #"{"id":"10","contact":"42","field":"5","value":null}]}"#),
            ]
        case .keap:
            [
                .answer(
                    "GET /crm/rest/v1/contacts/42?optional_properties=custom_fields",
                    #"{"id":42,"given_name":"Ada","family_name":"Lovelace","email_addresses":["#
                        + #"{"email":"work@example.com","field":"EMAIL2"},{"email":"ada@example.com","field":"EMAIL1"}],"#
                        + #""tag_ids":[91,92],"custom_fields":[{"id":6,"content":"X1"},{"id":7,"content":null},"#
                        + #"{"id":8,"content":12}]}"#),
                .answer(
                    "GET /crm/rest/v1/contacts/42/tags?limit=200&offset=0",
                    #"{"tags":[{"tag":{"id":91,"name":"Gold","category":null},"date_applied":"2024-01-01T00:00:00Z"},"#
                        + #"{"tag":{"id":92,"name":"Trial","category":null},"date_applied":"2024-01-02T00:00:00Z"}],"#
                        + #""count":2}"#),
            ]
        case .ontraport:
            [
                .answer(
                    "GET /1/object?objectID=0&id=42",
                    #"{"code":0,"data":{"id":"42","firstname":"Ada","lastname":"Lovelace","email":"ada@example.com","#
                        + #""contact_cat":"*/*1*/*5*/*","f1234":"X1","f1235":"","freferrer":"x","f99":"7"}}"#),
                .answer(
                    "GET /1/objects?objectID=14&range=50&start=0",
                    #"{"code":0,"data":[{"tag_id":"1","tag_name":"Gold","object_type_id":"0"},"#
                        + #"{"tag_id":"3","tag_name":"Other","object_type_id":"0"},"#
                        + #"{"tag_id":5,"tag_name":"Trial","object_type_id":"0"}]}"#),
            ]
        case .kit:
            [
                .answer(
                    "GET /v4/subscribers/42",
                    #"{"subscriber":{"id":42,"first_name":"Ada","email_address":"ada@example.com","state":"active","#
                        + #""fields":{"last_name":"Lovelace","coupon_code":null,"plan":"gold"}}}"#),
                .answer(
                    "GET /v4/subscribers/42/tags?per_page=500",
                    #"{"tags":[{"id":5,"name":"Gold","tagged_at":"2024-01-01T00:00:00Z"},"#
                        + #"{"id":6,"name":"Trial","tagged_at":"2024-01-02T00:00:00Z"}],"#
                        + #""pagination":{"has_previous_page":false,"has_next_page":false,"start_cursor":"a","#
                        + #""end_cursor":"b","per_page":500}}"#),
            ]
        case .drip:
            [
                .answer(
                    "GET /v2/9999999/subscribers/42",
                    #"{"subscribers":[{"id":"z1togz2hcjrkpp5treip","email":"ada@example.com","first_name":"Ada","#
                        + #""last_name":"Lovelace","tags":["Gold","Trial"],"#
                        + #""custom_fields":{"password":"pw","coupon":null,"plan":"gold"}}]}"#)
            ]
        }
    }

    /// What `pull("42")` reads from `pullSteps`.
    static func pulled(_ kind: CRMKind) -> ContactData {
        let fields: [String: String] =
            switch kind {
            case .activeCampaign: ["2": "X1"]
            case .keap: ["6": "X1", "8": "12"]
            case .ontraport: ["f1234": "X1", "f99": "7"]
            case .kit: ["last_name": "Lovelace", "plan": "gold"]
            case .drip: ["password": "pw", "plan": "gold"]
            }
        return ContactData(
            contactID: "42", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", tags: ["Gold", "Trial"],
            fields: fields)
    }
}
