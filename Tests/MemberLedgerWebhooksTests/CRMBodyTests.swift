import MemberLedgerCore
import MemberLedgerWebhooks
import Testing

/// Bodies met while connecting CRMs: Keap's capitalised JSON, Drip's form post, and the CRM's password
/// field echoed back in later webhooks.
@Suite("Webhook bodies from connected CRMs")
struct CRMBodyTests {
    static let handshake = "H4ndSh4k3H4ndSh4k3"

    static func request(_ command: String, contentType: String, body: String) -> IncomingRequest {
        IncomingRequest(
            method: "POST", target: "/?aal_\(command)=\(handshake)", headers: [("Content-Type", contentType)],
            body: Array(body.utf8))
    }

    @Test("Keap's JSON with capitalised keys keeps email and names")
    func keapJSON() throws {
        let delivery = try WebhookDecoder(handshake: Self.handshake).decode(
            Self.request(
                "updateuser", contentType: "application/json",
                body: #"{"contactId":"201","Email":"ada@example.com","FirstName":"Ada","LastName":"Lovelace"}"#))
        let contact = try #require(delivery.items.first?.command.contacts.first)
        #expect(
            contact == ContactData(contactID: "201", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace"))
        #expect(delivery.dialect == .keap)
    }

    @Test("the generic JSON shape still reads as generic")
    func genericJSON() throws {
        let delivery = try WebhookDecoder(handshake: Self.handshake).decode(
            Self.request("updateuser", contentType: "application/json", body: #"{"contactId":"7","email":"a@b.c"}"#))
        #expect(delivery.dialect == .generic)
        #expect(delivery.items.first?.command.contacts.first?.email == "a@b.c")
    }

    @Test("Drip's form post id=…&email=… is understood")
    func dripForm() throws {
        let delivery = try WebhookDecoder(handshake: Self.handshake).decode(
            Self.request(
                "genpass", contentType: "application/x-www-form-urlencoded",
                body: "id=z1togz2hcjrkpp5treip&email=ada%40example.com&first_name=Ada&city=Paris"))
        let contact = try #require(delivery.items.first?.command.contacts.first)
        #expect(contact.contactID == "z1togz2hcjrkpp5treip")
        #expect(contact.email == "ada@example.com" && contact.firstName == "Ada" && contact.fields == ["city": "Paris"])
        #expect(delivery.dialect == .drip)
    }

    @Test(
        "the CRM's password field, echoed back, is neither kept as a field nor in the kept request",
        arguments: [
            (
                "application/x-www-form-urlencoded",
                "contact[id]=42&contact[email]=a%40b.c&contact[fields][7]=Secr3tPw9", "7"
            ),
            ("application/x-www-form-urlencoded", "contactId=42&f1234=Secr3tPw9&city=Paris", "f1234"),
            (
                "application/json", #"{"contactId":"42","fields":{"site_login":"Secr3tPw9","city":"Paris"}}"#,
                "site_login"
            ),
            (
                "application/json", #"{"subscriber":{"id":"z1","email":"a@b.c","custom_fields":{"pw":"Secr3tPw9"}}}"#,
                "pw"
            ),
        ])
    func passwordFieldRedacted(contentType: String, body: String, field: String) throws {
        let decoder = WebhookDecoder(handshake: Self.handshake, secretFields: [field])
        let delivery = try decoder.decode(Self.request("updateuser", contentType: contentType, body: body))
        let contact = try #require(delivery.items.first?.command.contacts.first)
        #expect(contact.fields[field] == nil)
        #expect(!delivery.request.body.contains("Secr3tPw9"))
        #expect(delivery.request.body.contains(WebhookDecoder.redacted))
        // Without the setting the value would be kept: the setting is what protects it.
        let plain = try WebhookDecoder(handshake: Self.handshake).decode(
            Self.request("updateuser", contentType: contentType, body: body))
        #expect(plain.request.body.contains("Secr3tPw9"))
    }
}
