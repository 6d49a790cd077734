/// An instant in UTC with microsecond resolution, counted from the Unix epoch.
///
/// The core never reads a clock: every instant it sees comes from an event's recorded time or from a
/// query's "as of". Calendar arithmetic is proleptic Gregorian in UTC, so it gives the same answer on
/// every machine whatever its time zone.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    /// One second in microseconds.
    public static let microsecondsPerSecond: Int64 = 1_000_000
    /// One day in microseconds (UTC has no leap-second smearing here: a day is always 86 400 s).
    public static let microsecondsPerDay: Int64 = 86_400 * microsecondsPerSecond

    /// Creates an instant from microseconds since the epoch.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Creates an instant from whole seconds since the epoch.
    public init(seconds: Int64) {
        self.microseconds = seconds * Self.microsecondsPerSecond
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    /// This instant moved by a number of seconds (negative moves back).
    ///
    /// Arithmetic on instants saturates at the ends of the 64-bit range (about ±292 000 years) instead of
    /// trapping, so no event, however odd its values, can stop the reducer.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(
            microseconds: Self.saturatingSum(microseconds, Self.saturatingProduct(seconds, Self.microsecondsPerSecond)))
    }

    /// This instant moved by a number of whole days.
    public func adding(days: Int64) -> Timestamp {
        Timestamp(microseconds: Self.saturatingSum(microseconds, Self.saturatingProduct(days, Self.microsecondsPerDay)))
    }

    static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    static func saturatingProduct(_ a: Int64, _ b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a > 0) == (b > 0) ? .max : .min) : product
    }

    /// This instant moved by calendar months, keeping the time of day; the day of month is clamped to the
    /// last day of the target month (January 31 + 1 month = February 28 or 29), as billing systems do.
    public func adding(months: Int) -> Timestamp {
        // Beyond ±100 000 years, saturate rather than compute calendars no one will read.
        guard abs(months) < 1_200_000 else { return Timestamp(microseconds: months > 0 ? .max : .min) }
        let (days, timeOfDay) = dayAndTimeOfDay
        let date = CivilDate(daysSinceEpoch: days)
        let monthIndex = Int64(date.year) * 12 + Int64(date.month - 1) + Int64(months)
        let year = Int(monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12)
        let month = Int(monthIndex - Int64(year) * 12) + 1
        let day = min(date.day, CivilDate.daysIn(month: month, year: year))
        let target = CivilDate(year: year, month: month, day: day)
        return Timestamp(
            microseconds: Self.saturatingSum(
                Self.saturatingProduct(target.daysSinceEpoch, Self.microsecondsPerDay), timeOfDay))
    }

    /// Days since the epoch and microseconds into that day (always 0 ..< one day).
    var dayAndTimeOfDay: (days: Int64, timeOfDay: Int64) {
        var days = microseconds / Self.microsecondsPerDay
        var rest = microseconds % Self.microsecondsPerDay
        if rest < 0 {
            days -= 1
            rest += Self.microsecondsPerDay
        }
        return (days, rest)
    }

    /// RFC 3339 in UTC with exactly six fractional digits, e.g. `2026-11-28T23:50:15.000000Z`.
    ///
    /// A fixed width makes the text sort like the instant and keeps journal bytes stable.
    public var rfc3339: String {
        let (days, timeOfDay) = dayAndTimeOfDay
        let date = CivilDate(daysSinceEpoch: days)
        let seconds = timeOfDay / Self.microsecondsPerSecond
        let micros = timeOfDay % Self.microsecondsPerSecond
        if (0...9999).contains(date.year) {
            // Every journal record and log line carries one: 27 ASCII digits and separators in place.
            return String(unsafeUninitializedCapacity: 27) { output in
                var end = 0
                func put(_ value: Int, width: Int, then separator: Character) {
                    var rest = value
                    for position in stride(from: end + width - 1, through: end, by: -1) {
                        output[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                    output[end + width] = separator.asciiValue!
                    end += width + 1
                }
                put(date.year, width: 4, then: "-")
                put(date.month, width: 2, then: "-")
                put(date.day, width: 2, then: "T")
                put(Int(seconds / 3600), width: 2, then: ":")
                put(Int(seconds / 60 % 60), width: 2, then: ":")
                put(Int(seconds % 60), width: 2, then: ".")
                put(Int(micros), width: 6, then: "Z")
                return end
            }
        }
        return "\(Self.pad(date.year, 4))-\(Self.pad(date.month, 2))-\(Self.pad(date.day, 2))T"
            + "\(Self.pad(Int(seconds / 3600), 2)):\(Self.pad(Int(seconds / 60 % 60), 2)):"
            + "\(Self.pad(Int(seconds % 60), 2)).\(Self.pad(Int(micros), 6))Z"
    }

    public var description: String { rfc3339 }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`), also accepting a space or lowercase `t`
    /// as the separator and a date alone (`YYYY-MM-DD`, midnight UTC). Fractions beyond microseconds are
    /// truncated. Returns nil for anything else, including impossible dates such as February 30.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.expect(UInt8(ascii: "-")),
            let month = scanner.number(digits: 2), scanner.expect(UInt8(ascii: "-")),
            let day = scanner.number(digits: 2),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        if scanner.atEnd {
            self.init(microseconds: days * Self.microsecondsPerDay)
            return
        }
        guard let separator = scanner.next(),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(separator),
            let hour = scanner.number(digits: 2), scanner.expect(UInt8(ascii: ":")),
            let minute = scanner.number(digits: 2), scanner.expect(UInt8(ascii: ":")),
            let second = scanner.number(digits: 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var micros = 0
        if scanner.expect(UInt8(ascii: ".")) {
            var digits = 0
            while let digit = scanner.digit() {
                if digits < 6 { micros = micros * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds = 0
        guard let zone = scanner.next() else { return nil }
        switch zone {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            break
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHours = scanner.number(digits: 2), scanner.expect(UInt8(ascii: ":")),
                let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (zone == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        guard scanner.atEnd else { return nil }
        let secondsOfDay = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let instant = days * Self.microsecondsPerDay + secondsOfDay * Self.microsecondsPerSecond + Int64(micros)
        // An offset can push a year-0000 or year-9999 time out of the four-digit years the text form has;
        // such an instant could not be written back, so it is refused.
        guard (Self.earliest.microseconds...Self.latest.microseconds).contains(instant) else { return nil }
        self.init(microseconds: instant)
    }

    /// The first instant RFC 3339 text can express: 0000-01-01T00:00:00Z.
    public static let earliest = Timestamp(
        microseconds: CivilDate(year: 0, month: 1, day: 1).daysSinceEpoch * microsecondsPerDay)
    /// The last instant RFC 3339 text can express: 9999-12-31T23:59:59.999999Z.
    public static let latest = Timestamp(
        microseconds: CivilDate(year: 10_000, month: 1, day: 1).daysSinceEpoch * microsecondsPerDay - 1)
}

/// Reads fixed-width ASCII digits and punctuation for the RFC 3339 parser.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int? {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
            return nil
        }
        defer { index += 1 }
        return Int(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(digits: Int) -> Int? {
        var value = 0
        for _ in 0..<digits {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}
