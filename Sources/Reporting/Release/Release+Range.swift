/// A report's total over a range of months, as published cells of one row of the release:
/// the sum of `added` less the sum of `subtracted`.
public struct ReleaseRangeTotal: Sendable, Equatable {
    public var added: [ReleaseCell]
    public var subtracted: [ReleaseCell]

    /// The total's count of `kind` in `release`.
    public func value(_ kind: String, in release: Release) -> Int? {
        var total = 0
        for cell in added {
            guard let count = release.value(kind, cell) else { return nil }
            total += count
        }
        for cell in subtracted {
            guard let count = release.value(kind, cell) else { return nil }
            total -= count
        }
        return total
    }
}

extension Release {
    /// The total of `row` over `months` as published cells of that row, or nil when the
    /// release does not give it: a report may publish a range total only then.
    ///
    /// Every month of the range must be covered. The coarsest periods that lie wholly inside
    /// the range come first (years, then quarters, then months), a withheld one giving way to
    /// its parts; where that fails, a published period less published parts of it outside the
    /// range (January to September as the year less its fourth quarter). Either way the total
    /// is worked out from published cells, so it tells nothing the release does not.
    public func rangeTotal(row: String, months range: ClosedRange<ReleaseMonth>) -> ReleaseRangeTotal? {
        let calendar = ReleaseMonth.through(range.lowerBound, range.upperBound)
        guard Set(calendar).isSubset(of: layout.months) else { return nil }
        return cover(Set(calendar), in: .all, row: row)
    }

    /// Whether the release gives the total of `row` over `months` (see `rangeTotal`).
    public func rangeTotalIsPublished(row: String, months: ClosedRange<ReleaseMonth>) -> Bool {
        rangeTotal(row: row, months: months) != nil
    }

    /// `months` (all within `period`) as published cells of `row`: the period itself when it
    /// is exactly those months, else its parts, else the period less its parts outside.
    func cover(_ months: Set<ReleaseMonth>, in period: ReleasePeriod, row: String) -> ReleaseRangeTotal? {
        if months.isEmpty { return ReleaseRangeTotal(added: [], subtracted: []) }
        let cell = ReleaseCell(row, period)
        let own = Set(layout.months(of: period))
        if months == own && isPublished(cell) { return ReleaseRangeTotal(added: [cell], subtracted: []) }
        if let parts = coverByParts(months, in: period, row: row) { return parts }
        guard isPublished(cell), let outside = coverByParts(own.subtracting(months), in: period, row: row) else { return nil }
        return ReleaseRangeTotal(added: [cell] + outside.subtracted, subtracted: outside.added)
    }

    /// `months` as published cells of `row` within the periods one level below `period`.
    func coverByParts(_ months: Set<ReleaseMonth>, in period: ReleasePeriod, row: String) -> ReleaseRangeTotal? {
        let children = layout.children(of: period)
        guard months.allSatisfy({ month in children.contains { $0.contains(month) } }) else { return nil }
        var total = ReleaseRangeTotal(added: [], subtracted: [])
        for child in children {
            let inside = months.filter(child.contains)
            guard let part = cover(inside, in: child, row: row) else { return nil }
            total.added += part.added
            total.subtracted += part.subtracted
        }
        return total
    }
}
