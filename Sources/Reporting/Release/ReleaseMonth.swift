/// A calendar month of a release: the finest period a unit's counts are given for.
public struct ReleaseMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1 to 12.
    public let month: Int

    /// - Precondition: `month` is 1 to 12.
    public init(_ year: Int, _ month: Int) {
        precondition((1...12).contains(month), "a month is 1 to 12")
        self.year = year
        self.month = month
    }

    /// The quarter the month falls in, 1 to 4.
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// The month before this one.
    public var previous: ReleaseMonth { month == 1 ? ReleaseMonth(year - 1, 12) : ReleaseMonth(year, month - 1) }

    /// The month after this one.
    public var next: ReleaseMonth { month == 12 ? ReleaseMonth(year + 1, 1) : ReleaseMonth(year, month + 1) }

    /// `2024-01`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// The months from `first` to `last`, both included (empty when `last` is before `first`).
    public static func through(_ first: ReleaseMonth, _ last: ReleaseMonth) -> [ReleaseMonth] {
        var months: [ReleaseMonth] = []
        var month = first
        while month <= last {
            months.append(month)
            month = month.next
        }
        return months
    }

    public static func < (lhs: ReleaseMonth, rhs: ReleaseMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
