extension CRMCall {
    /// Walks an offset/limit list (ActiveCampaign's and Keap's): `pageSize` rows at a time from offset 0,
    /// each row handed to `visit`, until `visit` returns false (it found what it looked for), the rows
    /// read reach the total the CRM reports with each page, or a page comes back empty, so a total that
    /// overstates cannot loop forever.
    func offsetPages(
        _ path: [String], query: [(name: String, value: String)] = [], list: String, pageSize: Int,
        total: (ResponseValue) throws(CRMError) -> Int, visit: (ResponseValue) throws(CRMError) -> Bool
    ) throws(CRMError) {
        var offset = 0
        while true {
            let page = try json(
                .get, path,
                query: query + [(name: "limit", value: "\(pageSize)"), (name: "offset", value: "\(offset)")])
            let rows = try page.member(list).elements()
            for row in rows where try !visit(row) { return }
            offset += rows.count
            if rows.isEmpty { return }
            if offset >= (try total(page)) { return }
        }
    }

    /// Walks a cursor list (Kit's): `pageSize` rows at a time, each row handed to `visit` until it returns
    /// false, following `pagination.end_cursor` while `pagination.has_next_page` is true. A cursor that
    /// does not move is an answer we cannot follow, not a reason to loop.
    func cursorPages(
        _ path: [String], list: String, pageSize: Int, visit: (ResponseValue) throws(CRMError) -> Bool
    ) throws(CRMError) {
        var cursor: String?
        while true {
            var query = [(name: "per_page", value: "\(pageSize)")]
            if let cursor { query.append((name: "after", value: cursor)) }
            let page = try json(.get, path, query: query)
            for row in try page.member(list).elements() where try !visit(row) { return }
            let pagination = try page.member("pagination")
            guard pagination.optional("has_next_page")?.json.boolValue == true else { return }
            let next = try pagination.member("end_cursor").string()
            guard next != cursor else { throw .malformedResponse("\"pagination.end_cursor\" did not move") }
            cursor = next
        }
    }
}
