import MemberLedgerCore

extension Catalog {
    /// The catalog of the product documentation: custom operations 7 (+50 points) and 8 (Gold, then 7),
    /// team program 3 (Agency, 5 seats, interaction 1), product 11 (Gold Monthly), promo 5 (20 % off,
    /// 3 days), and a PayPal-friendly yearly product 12.
    public static let sample: Catalog = {
        do {
            return try Catalog(jsonText: sampleJSON)
        } catch {
            preconditionFailure("the sample catalog is invalid: \(error)")
        }
    }()

    /// The sample catalog's JSON text, as an admin would write it.
    public static let sampleJSON = """
        {"customOperations":[{"id":"7","name":"Award 50 points","actions":[{"addToField":{"field":"member_points","amount":50}}]},
          {"id":"8","name":"Gold","actions":[{"applyTags":["Gold"]},{"removeTags":["Trial"]},{"setField":{"field":"level","value":"gold"}}],"then":"7"},
          {"id":"9","name":"Comeback offer","actions":[{"generateCoupon":{"promoId":"5"}},{"applyTags":["Offer Sent"]}]},
          {"id":"10","name":"Grow team","actions":[{"changeTeamSize":{"teamProgramId":"3","change":2}}]},
          {"id":"13","name":"Self-cancel","actions":[{"subscription":{"action":"cancel","productId":"11"}},{"applyTags":["Cancelled Self"]}]}],
         "teamPrograms":[{"id":"3","name":"Agency","seats":5,"leaderTags":["Team Leader"],"memberTags":["Team Member"],"welcomeTags":["Team Welcome"],"revokeTags":["Team Revoked"],
          "interactions":[{"id":"1","name":"Bonus","actions":[{"applyTags":["Bonus"]}]}]}],
         "products":[{"id":"11","name":"Gold Monthly","period":"month","accessTags":["Gold"],"pauseTags":["Gold Paused"],"revokeTags":["Gold Revoked"],"failedPaymentTags":["Gold Failed"]},
          {"id":"12","name":"Silver Yearly","period":"year","accessTags":["Silver"],"pauseTags":["Silver Paused"],"revokeTags":["Silver Revoked"],"failedPaymentTags":["Silver Failed"]}],
         "promos":[{"id":"5","name":"Come back","field":"comeback_coupon","validDays":3,"percentOff":20}]}
        """
}
