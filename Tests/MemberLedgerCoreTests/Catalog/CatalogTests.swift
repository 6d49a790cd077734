import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Catalog: the accepted JSON shape")
struct CatalogTests {
    /// The exact document of the product issue.
    static let issueCatalog = """
        {"customOperations":[{"id":"7","name":"Award 50 points","actions":[{"addToField":{"field":"member_points","amount":50}}]},
          {"id":"8","name":"Gold","actions":[{"applyTags":["Gold"]},{"removeTags":["Trial"]},{"setField":{"field":"level","value":"gold"}}],"then":"7"}],
         "teamPrograms":[{"id":"3","name":"Agency","seats":5,"leaderTags":["Team Leader"],"memberTags":["Team Member"],"welcomeTags":["Team Welcome"],"revokeTags":["Team Revoked"],
          "interactions":[{"id":"1","name":"Bonus","actions":[{"applyTags":["Bonus"]}]}]}],
         "products":[{"id":"11","name":"Gold Monthly","period":"month","accessTags":["Gold"],"pauseTags":["Gold Paused"],"revokeTags":["Gold Revoked"],"failedPaymentTags":["Gold Failed"]}],
         "promos":[{"id":"5","name":"Come back","field":"comeback_coupon","validDays":3,"percentOff":20}]}
        """

    @Test("the documented catalog parses to the expected values")
    func documented() throws {
        let catalog = try Catalog(jsonText: Self.issueCatalog)
        #expect(
            catalog.customOperation("8")
                == CustomOperation(
                    id: "8", name: "Gold",
                    actions: [.applyTags(["Gold"]), .removeTags(["Trial"]), .setField(field: "level", value: "gold")],
                    then: "7"))
        #expect(catalog.teamProgram("3")?.interaction("1")?.actions == [.applyTags(["Bonus"])])
        #expect(catalog.product("11")?.period == .month)
        #expect(
            catalog.promo("5")
                == Promo(id: "5", name: "Come back", field: "comeback_coupon", validDays: 3, percentOff: 20))
        #expect(catalog.dedupWindowSeconds == 60)
    }

    @Test("writing and reading gives the same catalog, and the same bytes every time")
    func roundTrip() throws {
        let catalog = Catalog.sample
        let text = JSONWriter.string(catalog.json)
        #expect(try Catalog(jsonText: text) == catalog)
        #expect(JSONWriter.string(try Catalog(jsonText: text).json) == text)
        var windowed = catalog
        windowed.dedupWindowSeconds = 120
        #expect(try Catalog(jsonText: JSONWriter.string(windowed.json)).dedupWindowSeconds == 120)
    }

    @Test(
        "every refusal names what to fix",
        arguments: [
            (#"{"customOperation":[]}"#, #"catalog top level: unknown key "customOperation""#),
            (
                #"{"promos":[{"id":"5","name":"x","field":"f","validDays":3,"percentOff":20,"code":"X"}]}"#,
                #"catalog promos[0]: unknown key "code""#
            ),
            (
                #"{"customOperations":[{"id":"1","name":"x","actions":[{"setField":{"field":"a","valu":"b"}}]}]}"#,
                #"catalog customOperations[0].actions[0].setField: missing required key "value""#
            ),
            (
                #"{"customOperations":[{"id":"1","name":"x","actions":[{"sendEmail":{}}]}]}"#,
                #"catalog customOperations[0].actions[0]: unknown key "sendEmail""#
            ),
            (
                #"{"customOperations":[{"id":"1","name":"x","actions":[{"applyTags":["a"],"removeTags":["b"]}]}]}"#,
                "catalog customOperations[0].actions[0]: an action is an object with exactly one key (addToField, setField, applyTags, removeTags, generateCoupon, changeTeamSize, subscription), found 2"
            ),
            (
                #"{"customOperations":[{"id":"1","name":"x","actions":[{"addToField":{"field":"p","amount":"50"}}]}]}"#,
                "catalog customOperations[0].actions[0].addToField.amount: expected an integer, found string"
            ),
            (
                #"{"customOperations":[{"id":"1","name":"x","actions":[{"addToField":{"field":"p","amount":1.5}}]}]}"#,
                "catalog customOperations[0].actions[0].addToField.amount: expected a whole number that fits in 64 bits"
            ),
            (
                #"{"customOperations":[{"id":"1","name":"a","actions":[],"then":"2"},{"id":"2","name":"b","actions":[],"then":"1"}]}"#,
                "catalog custom operations loop through `then`: 1 → 2 → 1"
            ),
            (
                #"{"customOperations":[{"id":"1","name":"a","actions":[],"then":"1"}]}"#,
                "catalog custom operations loop through `then`: 1 → 1"
            ),
            (
                #"{"customOperations":[{"id":"1","name":"a","actions":[],"then":"9"}]}"#,
                #"catalog customOperations[0].then: no custom operation with id "9""#
            ),
            (
                #"{"customOperations":[{"id":"1","name":"a","actions":[{"generateCoupon":{"promoId":"5"}}]}]}"#,
                #"catalog customOperations[0].actions[0].generateCoupon.promoId: no promo with id "5""#
            ),
            (
                #"{"customOperations":[{"id":"1","name":"a","actions":[{"subscription":{"action":"refund","productId":"1"}}]}]}"#,
                #"catalog customOperations[0].actions[0].subscription.action: "refund" is not one of cancel, revoke, pause, charge"#
            ),
            (
                #"{"products":[{"id":"1","name":"a","period":"weekly"}]}"#,
                #"catalog products[0].period: "weekly" is not month, year or days:N (N ≥ 1)"#
            ),
            (
                #"{"products":[{"id":"1","name":"a","period":"month"},{"id":"1","name":"b","period":"year"}]}"#,
                #"catalog defines product "1" more than once"#
            ),
            (
                #"{"teamPrograms":[{"id":"3","name":"a","seats":-1}]}"#,
                "catalog teamPrograms[0].seats: must be 0 or more"
            ),
            (
                #"{"promos":[{"id":"5","name":"x","field":"f","validDays":0,"percentOff":20}]}"#,
                "catalog promos[0].validDays: must be from 1 to 36600 days"
            ),
            (
                #"{"promos":[{"id":"5","name":"x","field":"f","validDays":1,"percentOff":120}]}"#,
                "catalog promos[0].percentOff: must be from 1 to 100"
            ),
            (#"[]"#, "catalog top level: expected an object, found array"),
            (#"{"promos":[}"#, "catalog is not valid JSON: "),
        ])
    func refusals(json: String, message: String) {
        #expect {
            try Catalog(jsonText: json)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("an empty object is the empty catalog")
    func empty() throws {
        #expect(try Catalog(jsonText: "{}") == .empty)
    }
}
