/// How long one paid period of a subscription product lasts.
///
/// Period ends are always computed from the subscription's start and the number of periods paid, never
/// by adding to the previous end, so month-end starts do not drift (Jan 31 → Feb 28 → Mar 31).
public enum BillingPeriod: Sendable, Hashable, CustomStringConvertible {
    /// A calendar month in UTC.
    case month
    /// A calendar year (twelve calendar months) in UTC.
    case year
    /// A fixed number of days (N ≥ 1).
    case days(Int)

    /// Parses the catalog spelling: `month`, `year` or `days:N` with N ≥ 1.
    public init?(catalogValue: String) {
        switch catalogValue {
        case "month": self = .month
        case "year": self = .year
        default:
            guard catalogValue.hasPrefix("days:"), let count = Int(catalogValue.dropFirst(5)), count >= 1,
                count <= 36_600
            else { return nil }
            self = .days(count)
        }
    }

    /// The catalog spelling of this period.
    public var description: String {
        switch self {
        case .month: "month"
        case .year: "year"
        case .days(let count): "days:\(count)"
        }
    }

    /// The end of `periods` whole periods that began at `start`.
    public func end(from start: Timestamp, periods: Int) -> Timestamp {
        switch self {
        case .month: start.adding(months: periods)
        case .year: start.adding(months: 12 * periods)
        case .days(let count): start.adding(days: Int64(count) * Int64(periods))
        }
    }
}
