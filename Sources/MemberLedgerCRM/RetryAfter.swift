/// Reading a `Retry-After` header (RFC 9110 §10.2.3) into seconds from now: either delay-seconds
/// (`120`) or an HTTP-date in any of the three forms a recipient must accept (IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime
/// `Sun Nov  6 08:49:37 1994`). A date already past is 0 s: the CRM meant "now".
///
/// Written by hand rather than with `DateFormatter`, whose parsing depends on the locale and time zone
/// it is given and which is not safe to share between threads on every platform.
enum RetryAfter {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds to wait, measured from `now` (seconds since 1970) for a date; nil when `value` is neither
    /// form, so a garbled header is ignored rather than trusted.
    static func seconds(_ value: String, now: Double) -> Double? {
        let text = value.trimmingWhitespace
        if let delay = delaySeconds(text) { return delay }
        guard let date = httpDate(text) else { return nil }
        return max(0, date - now)
    }

    /// `1*DIGIT`; a fraction is accepted too, as some servers send one.
    private static func delaySeconds(_ text: String) -> Double? {
        guard let first = text.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") })
        else { return nil }
        return Double(text)
    }

    /// Seconds since 1970 of an HTTP-date in any of its three forms.
    static func httpDate(_ text: String) -> Double? {
        var tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }.map(String.init)
        // The weekday says nothing the date does not; it is only checked to be a word.
        guard let weekday = tokens.first, weekday.allSatisfy(\.isLetter) else { return nil }
        tokens.removeFirst()
        let day: String
        let month: String
        let year: String
        let time: String
        if tokens.count == 4, monthNumber(tokens[0]) != nil {
            (month, day, time, year) = (tokens[0], tokens[1], tokens[2], tokens[3])
        } else if tokens.count == 5, tokens[4] == "GMT" || tokens[4] == "UTC" {
            (day, month, year, time) = (tokens[0], tokens[1], tokens[2], tokens[3])
        } else {
            return nil
        }
        guard let monthIndex = monthNumber(month), let dayNumber = number(day, digits: 1...2),
            var yearNumber = number(year, digits: 2...4), let seconds = secondsOfDay(time), (1...31).contains(dayNumber)
        else { return nil }
        // RFC 850's two-digit year: RFC 9110 reads it as the nearest year not over 50 years ahead; every
        // date a CRM sends is near today, so 70 and up is the 1900s and below is the 2000s.
        if year.count == 2 { yearNumber += yearNumber >= 70 ? 1900 : 2000 }
        let days = daysSince1970(year: yearNumber, month: monthIndex, day: dayNumber)
        return Double(days * 86_400 + seconds)
    }

    private static func monthNumber(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int? {
        guard digits.contains(text.count), text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return nil }
        return Int(text)
    }

    /// `hh:mm:ss` as seconds since midnight (a leap second's `60` allowed).
    private static func secondsOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let h = number(parts[0], digits: 2...2), let m = number(parts[1], digits: 2...2),
            let s = number(parts[2], digits: 2...2), h < 24, m < 60, s <= 60
        else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
