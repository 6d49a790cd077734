import Foundation
import MemberLedgerCore
import MemberLedgerTesting
import Testing

/// Smoke tests of the fake CRMs themselves, over raw HTTP: credentials, paging, tags and fields written
/// and read back, and each injected fault.
@Suite struct FakeCRMTests {
    @Test(arguments: CRMKind.allCases)
    func refusesAWrongOrMissingKeyInTheCRMsOwnWords(_ kind: CRMKind) throws {
        let fake = try FakeCRM(kind)
        let wrong = try send(fake, "GET", verifyPath(kind), headers: credentials(kind, key: "wrong"))
        let missing = try send(fake, "GET", verifyPath(kind))
        let right = try send(fake, "GET", verifyPath(kind), headers: credentials(kind, key: fake.key))

        let (status, text) = refusal(kind)
        #expect(wrong.status == status)
        #expect(wrong.body.contains(text))
        #expect(!wrong.body.contains("wrong"))
        #expect(missing.status == status)
        #expect(right.status == 200)
        #expect(right.json != nil)
        let unknown = try send(fake, "GET", "/no/such/route", headers: credentials(kind, key: fake.key))
        #expect(unknown.status == 404)
        #expect(fake.requestCount == 4)
    }

    @Test(arguments: CRMKind.allCases)
    func pullShowsASeededContactInTheContractsShape(_ kind: CRMKind) throws {
        let fake = try FakeCRM(kind)
        let field = ["activecampaign": "2", "keap": "6", "ontraport": "f1234", "kit": "coupon_code", "drip": "coupon"]
        let key = try #require(field[kind.rawValue])
        fake.addContact(.init(id: "42", email: "ada@example.com", firstName: "Ada", tags: ["Gold"], fields: [key: "X"]))
        let auth = credentials(kind)
        switch kind {
        case .activeCampaign:
            let contact = try send(fake, "GET", "/api/3/contacts/42", headers: auth).json?["contact"]
            #expect(contact?["id"]?.stringValue == "42" && contact?["firstName"]?.stringValue == "Ada")
            let link = try send(fake, "GET", "/api/3/contacts/42/contactTags", headers: auth)
                .json?["contactTags"]?.arrayValue?.first
            let tagID = try #require(link?["tag"]?.stringValue)
            #expect(
                try send(fake, "GET", "/api/3/tags/\(tagID)", headers: auth).json?["tag"]?["tag"] == .string("Gold"))
            let value = try send(fake, "GET", "/api/3/contacts/42/fieldValues", headers: auth)
                .json?["fieldValues"]?.arrayValue?.first
            #expect(value?["field"]?.stringValue == "2" && value?["value"]?.stringValue == "X")
        case .keap:
            let contact = try send(
                fake, "GET", "/crm/rest/v1/contacts/42?optional_properties=custom_fields", headers: auth
            )
            .json
            #expect(contact?["id"]?.intValue == 42 && contact?["given_name"]?.stringValue == "Ada")
            #expect(contact?["custom_fields"]?.arrayValue?.first?["id"]?.intValue == 6)
            let tags = try send(fake, "GET", "/crm/rest/v1/contacts/42/tags?limit=10&offset=0", headers: auth).json
            #expect(tags?["tags"]?.arrayValue?.first?["tag"]?["name"]?.stringValue == "Gold")
        case .ontraport:
            let data = try send(fake, "GET", "/1/object?objectID=0&id=42", headers: auth).json?["data"]
            #expect(data?["id"]?.stringValue == "42" && data?["f1234"]?.stringValue == "X")
            #expect(data?["contact_cat"]?.stringValue == "*/*1*/*")
        case .kit:
            let subscriber = try send(fake, "GET", "/v4/subscribers/42", headers: auth).json?["subscriber"]
            #expect(subscriber?["id"]?.intValue == 42 && subscriber?["first_name"]?.stringValue == "Ada")
            #expect(subscriber?["fields"]?["coupon_code"]?.stringValue == "X")
        case .drip:
            let subscriber = try send(fake, "GET", "/v2/9999999/subscribers/ada%40example.com", headers: auth)
                .json?["subscribers"]?.arrayValue?.first
            #expect(subscriber?["id"]?.stringValue == "42" && subscriber?["tags"] == .array([.string("Gold")]))
            #expect(subscriber?["custom_fields"]?["coupon"]?.stringValue == "X")
        }
    }

    @Test func activeCampaignPagesByLimitAndOffsetWithATotal() throws {
        let fake = try FakeCRM(.activeCampaign)
        for number in 1...5 { fake.defineTag("Tag\(number)") }
        var names: [String] = []
        var offset = 0
        var total = Int.max
        while offset < total {
            let page = try send(
                fake, "GET", "/api/3/tags?search=tag&limit=100&offset=\(offset)", headers: credentials(.activeCampaign))
            let tags = page.json?["tags"]?.arrayValue ?? []
            #expect(tags.count <= 2)
            total = Int(page.json?["meta"]?["total"]?.stringValue ?? "") ?? 0
            names += tags.compactMap { $0["tag"]?.stringValue }
            offset += max(tags.count, 1)
        }
        #expect(total == 5)
        #expect(names == ["Tag1", "Tag2", "Tag3", "Tag4", "Tag5"])
    }

    @Test func kitPagesByCursor() throws {
        let fake = try FakeCRM(.kit, pageSize: 2)
        for number in 1...5 { fake.defineTag("Tag\(number)") }
        var names: [String] = []
        var after = ""
        var pages = 0
        while true {
            let page = try send(fake, "GET", "/v4/tags?per_page=500&after=\(after)", headers: credentials(.kit))
            pages += 1
            names += (page.json?["tags"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            let pagination = page.json?["pagination"]
            guard pagination?["has_next_page"]?.boolValue == true, let cursor = pagination?["end_cursor"]?.stringValue
            else { break }
            after = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
        }
        #expect(pages == 3)
        #expect(names == ["Tag1", "Tag2", "Tag3", "Tag4", "Tag5"])
    }

    @Test func keapCapsAPageAtPageSizeAndReportsTheCount() throws {
        let fake = try FakeCRM(.keap)
        for number in 1...5 { fake.defineTag("Tag\(number)") }
        let page = try send(fake, "GET", "/crm/rest/v1/tags?limit=1000&offset=4", headers: credentials(.keap))
        #expect(page.json?["tags"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Tag5"])
        #expect(page.json?["count"]?.intValue == 5)
        let first = try send(fake, "GET", "/crm/rest/v1/tags", headers: credentials(.keap))
        #expect(first.json?["tags"]?.arrayValue?.count == 2)
    }

    /// Ontraport reports no total, so clients stop at a short page: the fake serves the range asked for
    /// (up to 50) and `pageSize` only when none is asked.
    @Test func ontraportServesTheRangeAskedForElsePageSize() throws {
        let fake = try FakeCRM(.ontraport)
        for number in 1...5 { fake.defineTag("Tag\(number)") }
        func names(_ query: String) throws -> [String]? {
            try send(fake, "GET", "/1/objects?objectID=14" + query, headers: credentials(.ontraport))
                .json?["data"]?.arrayValue?.compactMap { $0["tag_name"]?.stringValue }
        }
        #expect(try names("") == ["Tag1", "Tag2"])
        #expect(try names("&range=3&start=0") == ["Tag1", "Tag2", "Tag3"])
        #expect(try names("&range=50&start=3") == ["Tag4", "Tag5"])
    }

    @Test func kitAppliesATagByIdIdempotentlyAndReadsItBack() throws {
        let fake = try FakeCRM(.kit)
        fake.addContact(.init(id: "42", email: "ada@example.com", firstName: "Ada"))
        let created = try send(fake, "POST", "/v4/tags", headers: credentials(.kit), body: #"{"name":"Gold"}"#)
        let again = try send(fake, "POST", "/v4/tags", headers: credentials(.kit), body: #"{"name":"Gold"}"#)
        let tagID = try #require(created.json?["tag"]?["id"]?.intValue)
        #expect(created.status == 201)
        #expect(again.status == 200 && again.json?["tag"]?["id"]?.intValue == tagID)

        let path = "/v4/tags/\(tagID)/subscribers/42"
        #expect(try send(fake, "POST", path, headers: credentials(.kit), body: "{}").status == 201)
        #expect(try send(fake, "POST", path, headers: credentials(.kit), body: "{}").status == 200)
        #expect(
            try send(fake, "POST", "/v4/tags/999/subscribers/42", headers: credentials(.kit), body: "{}").status == 404)
        let tags = try send(fake, "GET", "/v4/subscribers/42/tags?per_page=10", headers: credentials(.kit))
        #expect(tags.json?["tags"]?.arrayValue?.first?["name"]?.stringValue == "Gold")
        #expect(fake.contact("42")?.tags == ["Gold"])
        #expect(fake.tagNames() == ["Gold"])

        #expect(try send(fake, "DELETE", path, headers: credentials(.kit)).status == 204)
        #expect(try send(fake, "DELETE", path, headers: credentials(.kit)).status == 404)
        #expect(fake.contact("42")?.tags == [])
    }

    @Test func activeCampaignNeedsAnExistingTagAndRemovesByContactTagID() throws {
        let fake = try FakeCRM(.activeCampaign)
        fake.addContact(.init(id: "42", email: "ada@example.com"))
        fake.defineTag("Gold")
        let tagID = try #require(
            try send(fake, "GET", "/api/3/tags?search=Gold", headers: credentials(.activeCampaign))
                .json?["tags"]?.arrayValue?.first?["id"]?.stringValue)
        let unknown = try send(
            fake, "POST", "/api/3/contactTags", headers: credentials(.activeCampaign),
            body: #"{"contactTag":{"contact":"42","tag":"999"}}"#)
        #expect(unknown.status == 422)
        let applied = try send(
            fake, "POST", "/api/3/contactTags", headers: credentials(.activeCampaign),
            body: #"{"contactTag":{"contact":"42","tag":"\#(tagID)"}}"#)
        #expect(applied.status == 201)
        #expect(fake.contact("42")?.tags == ["Gold"])

        let links = try send(fake, "GET", "/api/3/contacts/42/contactTags", headers: credentials(.activeCampaign))
        let linkID = try #require(links.json?["contactTags"]?.arrayValue?.first?["id"]?.stringValue)
        let removed = try send(fake, "DELETE", "/api/3/contactTags/\(linkID)", headers: credentials(.activeCampaign))
        #expect(removed.status == 200)
        #expect(fake.contact("42")?.tags == [])
        #expect(try send(fake, "GET", "/api/3/contacts/7", headers: credentials(.activeCampaign)).status == 404)
    }

    @Test func ontraportTagsByNameWithAJSONBodyOnDelete() throws {
        let fake = try FakeCRM(.ontraport)
        fake.addContact(.init(id: "42", email: "ada@example.com", tags: ["Trial"]))
        let add = try send(
            fake, "PUT", "/1/objects/tagByName", headers: credentials(.ontraport),
            body: #"{"objectID":0,"ids":[42],"add_names":["Gold"]}"#)
        #expect(add.status == 200 && add.json?["code"]?.intValue == 0)
        #expect(fake.contact("42")?.tags == ["Gold", "Trial"])
        let remove = try send(
            fake, "DELETE", "/1/objects/tagByName", headers: credentials(.ontraport),
            body: #"{"objectID":0,"ids":[42],"remove_names":["Trial"]}"#)
        #expect(remove.status == 200)
        #expect(fake.contact("42")?.tags == ["Gold"])
        let pulled = try send(fake, "GET", "/1/object?objectID=0&id=42", headers: credentials(.ontraport))
        #expect(pulled.json?["data"]?["contact_cat"]?.stringValue == "*/*2*/*")
    }

    @Test func dripTagsByEmailAndNameInItsAccountOnly() throws {
        let fake = try FakeCRM(.drip)
        fake.addContact(.init(id: "z1tog", email: "ada@example.com"))
        let applied = try send(
            fake, "POST", "/v2/9999999/tags", headers: credentials(.drip),
            body: #"{"tags":[{"email":"ada@example.com","tag":"Gold Member"}]}"#)
        #expect(applied.status == 201)
        #expect(fake.contact("z1tog")?.tags == ["Gold Member"])
        #expect(fake.tagNames() == ["Gold Member"])
        let removed = try send(
            fake, "DELETE", "/v2/9999999/subscribers/ada%40example.com/tags/Gold%20Member", headers: credentials(.drip))
        #expect(removed.status == 204)
        #expect(fake.contact("z1tog")?.tags == [])
        let elsewhere = try send(fake, "GET", "/v2/1234/subscribers/z1tog", headers: credentials(.drip))
        #expect(elsewhere.status == 403)
    }

    @Test func fieldsSetThroughTheAPIShowByTheCRMsFieldKey() throws {
        let keap = try FakeCRM(.keap)
        keap.addContact(.init(id: "42"))
        let patched = try send(
            keap, "PATCH", "/crm/rest/v1/contacts/42", headers: credentials(.keap),
            body: #"{"custom_fields":[{"id":6,"content":"x"}]}"#)
        #expect(patched.status == 200)
        #expect(keap.contact("42")?.fields == ["6": "x"])
        let plain = try send(keap, "GET", "/crm/rest/v1/contacts/42", headers: credentials(.keap))
        #expect(plain.json?["custom_fields"] == nil)

        let kit = try FakeCRM(.kit)
        kit.addContact(.init(id: "7", email: "ada@example.com", fields: ["coupon_code": "A"]))
        let put = try send(
            kit, "PUT", "/v4/subscribers/7", headers: credentials(.kit),
            body: #"{"first_name":"Ada","fields":{"last_name":"Lovelace","coupon_code":null}}"#)
        #expect(put.status == 200)
        #expect(
            kit.contact("7")
                == .init(
                    id: "7", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace",
                    fields: ["last_name": "Lovelace"]))
    }

    @Test func failNextAnswersTheStatusAfterTheCredentialsCheck() throws {
        let fake = try FakeCRM(.keap)
        fake.failNext(1, status: 429, retryAfter: "7")
        let refused = try send(fake, "GET", verifyPath(.keap), headers: credentials(.keap, key: "wrong"))
        let limited = try send(fake, "GET", verifyPath(.keap), headers: credentials(.keap))
        let passed = try send(fake, "GET", verifyPath(.keap), headers: credentials(.keap))
        #expect(refused.status == 401)
        #expect(limited.status == 429)
        #expect(limited.headers["retry-after"] == "7")
        #expect(limited.json?["message"]?.stringValue == "Quota Exceeded")
        #expect(passed.status == 200)
    }

    @Test func garbleNextAnswersOKWithABodyThatIsNotJSON() throws {
        let fake = try FakeCRM(.kit)
        fake.garbleNext(1)
        let garbled = try send(fake, "GET", verifyPath(.kit), headers: credentials(.kit))
        let clean = try send(fake, "GET", verifyPath(.kit), headers: credentials(.kit))
        #expect(garbled.status == 200 && garbled.json == nil && !garbled.body.isEmpty)
        #expect(clean.status == 200 && clean.json != nil)
    }

    @Test func setDownAnswers503InTheCRMsWordsUntilItIsUp() throws {
        let fake = try FakeCRM(.drip)
        fake.setDown(true)
        let down = try send(fake, "GET", verifyPath(.drip), headers: credentials(.drip))
        fake.setDown(false)
        let up = try send(fake, "GET", verifyPath(.drip), headers: credentials(.drip))
        #expect(down.status == 503)
        #expect(down.json?["errors"]?.arrayValue?.first?["message"] != nil)
        #expect(up.status == 200)
        #expect(fake.requests == ["GET /v2/accounts", "GET /v2/accounts"])
    }

    @Test func latencyDelaysEveryAnswer() throws {
        let fake = try FakeCRM(.activeCampaign)
        fake.setLatency(0.05)
        let start = Date()
        _ = try send(fake, "GET", verifyPath(.activeCampaign), headers: credentials(.activeCampaign))
        #expect(Date().timeIntervalSince(start) >= 0.05)
    }
}

/// One answer from a fake: status, headers by lowercased name, body, and the body as JSON if it is JSON.
private struct Answer {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: JSONValue?
}

/// Sends one request on a connection of its own and reads the whole answer.
private func send(
    _ fake: FakeCRM, _ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil
) throws -> Answer {
    let port = try #require(fake.baseURL.split(separator: ":").last.flatMap { Int($0) })
    let client = try LoopbackClient(port: port, timeoutSeconds: 10)
    var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    try client.send(Array((head + "\r\n" + (body ?? "")).utf8))
    let text = String(decoding: client.readToEnd(), as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let lines = parts[0].components(separatedBy: "\r\n")
    let status = try #require(lines.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) })
    var fields: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let answerBody = parts.dropFirst().joined(separator: "\r\n\r\n")
    return Answer(status: status, headers: fields, body: answerBody, json: try? JSONParser.parse(answerBody))
}

/// The headers carrying `key` the way `kind` expects it.
private func credentials(_ kind: CRMKind, key: String = "fake-key") -> [(String, String)] {
    switch kind {
    case .activeCampaign: [("Api-Token", key)]
    case .keap: [("X-Keap-API-Key", key)]
    case .ontraport: [("Api-Appid", "fake-app"), ("Api-Key", key)]
    case .kit: [("X-Kit-Api-Key", key)]
    case .drip: [("Authorization", "Basic " + Base64.encode(Array("\(key):".utf8)))]
    }
}

/// The path of the one authenticated read that proves credentials.
private func verifyPath(_ kind: CRMKind) -> String {
    switch kind {
    case .activeCampaign: "/api/3/users/me"
    case .keap: "/crm/rest/v1/account/profile"
    case .ontraport: "/1/objects/meta?objectID=0&format=byId"
    case .kit: "/v4/account"
    case .drip: "/v2/accounts"
    }
}

/// The status and a piece of the body each CRM refuses a bad key with.
private func refusal(_ kind: CRMKind) -> (status: Int, text: String) {
    switch kind {
    case .activeCampaign: (403, "No Result found for User with id 0")
    case .keap: (401, "Invalid Key")
    case .ontraport: (401, "do not authenticate")
    case .kit: (401, "The access token is invalid")
    case .drip: (401, "authentication_error")
    }
}
