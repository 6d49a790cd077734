import Testing

@testable import MemberLedgerCRM

@Suite("Retry-After: delay-seconds or any of the three HTTP-date forms, as seconds from now")
struct RetryAfterTests {
    /// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date.
    private static let exampleDate = 784_111_777.0

    @Test(
        "each form",
        arguments: [
            ("120", 120.0), (" 0 ", 0), ("1.5", 1.5), ("Sun, 06 Nov 1994 08:49:37 GMT", 30),
            ("Sunday, 06-Nov-94 08:49:37 GMT", 30), ("Sun Nov  6 08:49:37 1994", 30),
            ("sun, 06 nov 1994 08:50:07 GMT", 60),
        ])
    func reads(header: String, seconds: Double) {
        #expect(RetryAfter.seconds(header, now: Self.exampleDate - 30) == seconds)
    }

    @Test("a date already past means now")
    func pastDate() {
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: Self.exampleDate + 500) == 0)
    }

    @Test("dates across years, leap days and the 2000s")
    func epochArithmetic() {
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.httpDate("Tue, 29 Feb 2000 12:00:00 GMT") == 951_825_600)
        #expect(RetryAfter.httpDate("Wed, 01 Jan 2025 00:00:00 GMT") == 1_735_689_600)
        #expect(RetryAfter.httpDate("Monday, 01-Jan-24 00:00:00 GMT") == 1_704_067_200)
    }

    @Test(
        "anything else is unreadable",
        arguments: [
            "", "soon", "-5", "1e3", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 06 Nov 1994 08:49 GMT",
            "06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
        ])
    func unreadable(header: String) {
        #expect(RetryAfter.seconds(header, now: Self.exampleDate) == nil)
    }
}
