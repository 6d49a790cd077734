import MemberLedgerCore
import Testing

@Suite("Timestamps and billing periods")
struct TimestampTests {
    @Test(
        "RFC 3339 text parses to the instant and prints back canonically",
        arguments: [
            ("1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00.000000Z"),
            ("2026-11-28T23:50:15.5Z", 1_795_909_815_500_000, "2026-11-28T23:50:15.500000Z"),
            ("2026-11-29T01:50:15.5+02:00", 1_795_909_815_500_000, "2026-11-28T23:50:15.500000Z"),
            ("2024-02-29T12:00:00.1234567Z", 1_709_208_000_123_456, "2024-02-29T12:00:00.123456Z"),
            ("1969-12-31T23:59:59.999999Z", -1, "1969-12-31T23:59:59.999999Z"),
            ("2026-03-01", 1_772_323_200_000_000, "2026-03-01T00:00:00.000000Z"),
            ("2026-03-01 10:00:00z", 1_772_359_200_000_000, "2026-03-01T10:00:00.000000Z"),
        ] as [(String, Int64, String)])
    func parse(text: String, micros: Int64, canonical: String) throws {
        let instant = try #require(Timestamp(rfc3339: text))
        #expect(instant.microseconds == micros)
        #expect(instant.rfc3339 == canonical)
        #expect(Timestamp(rfc3339: canonical) == instant)
    }

    @Test(
        "impossible or malformed times are refused",
        arguments: [
            "", "2026-02-30T00:00:00Z", "2025-02-29", "2026-13-01", "2026-01-01T24:00:00Z",
            "2026-01-01T10:00:00", "2026-01-01T10:00:00.Z", "2026-1-01", "yesterday", "2026-01-01T10:00:00Zjunk",
        ])
    func refuse(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test(
        "calendar months clamp to the month's last day and keep the time of day",
        arguments: [
            ("2026-01-31T10:00:00Z", 1, "2026-02-28T10:00:00.000000Z"),
            ("2024-01-31T10:00:00Z", 1, "2024-02-29T10:00:00.000000Z"),
            ("2026-01-31T10:00:00Z", 2, "2026-03-31T10:00:00.000000Z"),
            ("2026-12-15T00:00:00Z", 1, "2027-01-15T00:00:00.000000Z"),
            ("2026-03-01T09:00:00Z", -3, "2025-12-01T09:00:00.000000Z"),
            ("2024-02-29T00:00:00Z", 12, "2025-02-28T00:00:00.000000Z"),
        ] as [(String, Int, String)])
    func months(start: String, months: Int, expected: String) {
        #expect(Timestamp(rfc3339: start)!.adding(months: months).rfc3339 == expected)
    }

    @Test("billing periods count from the start, so month ends do not drift")
    func periods() {
        let start = Timestamp(rfc3339: "2026-01-31T00:00:00Z")!
        #expect(BillingPeriod.month.end(from: start, periods: 2).rfc3339 == "2026-03-31T00:00:00.000000Z")
        #expect(BillingPeriod.year.end(from: start, periods: 1).rfc3339 == "2027-01-31T00:00:00.000000Z")
        #expect(BillingPeriod.days(30).end(from: start, periods: 2).rfc3339 == "2026-04-01T00:00:00.000000Z")
        #expect(BillingPeriod(catalogValue: "days:30") == .days(30))
        for bad in ["days:0", "days:-1", "days:x", "weekly", "Month", ""] {
            #expect(BillingPeriod(catalogValue: bad) == nil)
        }
    }

    @Test("every day from 1900 to 2100 survives a round trip through text")
    func roundTripAllDays() {
        var instant = Timestamp(rfc3339: "1900-01-01T00:00:00Z")!
        let end = Timestamp(rfc3339: "2100-12-31T00:00:00Z")!
        while instant < end {
            #expect(Timestamp(rfc3339: instant.rfc3339) == instant)
            instant = instant.adding(days: 1).adding(seconds: 7)
        }
    }
}

@Suite("Timestamp range")
struct TimestampRangeTests {
    @Test(
        "an offset that pushes a time outside years 0000-9999 is refused, so every parsed time writes back",
        arguments: ["0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
    func outOfRange(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("the ends of the range round-trip")
    func ends() {
        #expect(Timestamp(rfc3339: Timestamp.earliest.rfc3339) == Timestamp.earliest)
        #expect(Timestamp(rfc3339: Timestamp.latest.rfc3339) == Timestamp.latest)
        #expect(Timestamp.latest.rfc3339 == "9999-12-31T23:59:59.999999Z")
    }
}
