/// A period of the release hierarchy: months make quarters, quarters make years, years make
/// the whole release (`all`).
///
/// A release covers a list of months; a year or quarter only partly covered is still a period,
/// and its count is the sum of the months it covers (see `ReleaseLayout`).
public enum ReleasePeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    case month(ReleaseMonth)
    /// `quarter` is 1 to 4.
    case quarter(year: Int, quarter: Int)
    case year(Int)
    case all

    /// The period one level up; nil for `all`.
    public var parent: ReleasePeriod? {
        switch self {
        case .month(let month): .quarter(year: month.year, quarter: month.quarter)
        case .quarter(let year, _): .year(year)
        case .year: .all
        case .all: nil
        }
    }

    /// Whether the period includes `month`.
    public func contains(_ month: ReleaseMonth) -> Bool {
        switch self {
        case .month(let own): own == month
        case .quarter(let year, let quarter): month.year == year && month.quarter == quarter
        case .year(let year): month.year == year
        case .all: true
        }
    }

    /// `2024-01`, `2024-Q1`, `2024`, `all`.
    public var description: String {
        switch self {
        case .month(let month): month.description
        case .quarter(let year, let quarter): "\(year)-Q\(quarter)"
        case .year(let year): "\(year)"
        case .all: "all"
        }
    }

    /// The period a description names: `2024-01`, `2024-Q1`, `2024` or `all`.
    public init?(description: String) {
        if description == "all" {
            self = .all
            return
        }
        let parts = description.split(separator: "-", omittingEmptySubsequences: false)
        let digits = parts.map { $0.drop { $0 == "Q" } }
        guard digits.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }), let year = Int(parts[0]), parts[0].count == 4
        else { return nil }
        switch parts.count {
        case 1: self = .year(year)
        case 2 where parts[1].hasPrefix("Q"):
            guard let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter), parts[1].count == 2 else { return nil }
            self = .quarter(year: year, quarter: quarter)
        case 2:
            guard let month = Int(parts[1]), (1...12).contains(month), parts[1].count == 2 else { return nil }
            self = .month(ReleaseMonth(year, month))
        default: return nil
        }
    }

    /// 0 for `all` up to 3 for a month.
    public var depth: Int {
        switch self {
        case .all: 0
        case .year: 1
        case .quarter: 2
        case .month: 3
        }
    }

    /// The period's first calendar month; nil for `all`.
    var firstMonth: ReleaseMonth? {
        switch self {
        case .month(let month): month
        case .quarter(let year, let quarter): ReleaseMonth(year, 3 * quarter - 2)
        case .year(let year): ReleaseMonth(year, 1)
        case .all: nil
        }
    }

    /// Chronological by first month, `all` first, a coarser period before a finer one that
    /// starts with it (2024, 2024-Q1, 2024-01).
    public static func < (lhs: ReleasePeriod, rhs: ReleasePeriod) -> Bool {
        switch (lhs.firstMonth, rhs.firstMonth) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (let left?, let right?): left == right ? lhs.depth < rhs.depth : left < right
        }
    }
}
