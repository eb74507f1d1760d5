/// What a report table may publish, given the fixed releases of its regions (one per region
/// and cohort; docs/reporting.md, "Fixed release").
///
/// Every entry of a table — a cell, a row's or a period's total, the grand total — sums some
/// release rows (a hospital, a region, a stratum value of a region) over some months. It is
/// published only when each of those rows' totals over those months is one the release gives
/// (`Release.rangeTotal`): a sum of published release cells. So no set of reports tells more
/// than the releases do, whatever their ranges, periods and rows.
public struct ReleasedEntries: Sendable {
    /// A release row of one region.
    public struct Source: Hashable, Sendable {
        public var region: String
        public var row: String

        public init(region: String, row: String) {
            self.region = region
            self.row = row
        }
    }

    /// The releases, by region and cohort. A region without a release for a cohort counted
    /// nobody of it.
    public let releases: [String: [IndicatorCatalogue.Cohort: Release]]

    public init(releases: [String: [IndicatorCatalogue.Cohort: Release]]) {
        self.releases = releases
    }

    /// The entries of a table (row `rows.count` and column `periods.count` are the totals)
    /// that the releases do not give, by cohort.
    /// - Parameters:
    ///   - rows: for each row of the table, the release rows it sums.
    ///   - total: the release rows all the table's rows sum to (the region's row where the
    ///     table's rows make up the whole region).
    ///   - periods: for each column, the months it covers.
    public func unreleased(
        rows: [[Source]], total every: [Source], periods: [ClosedRange<ReleaseMonth>]
    ) -> [IndicatorCatalogue.Cohort: Set<Suppression.Entry>] {
        let span = periods.map(\.lowerBound).min().flatMap { first in periods.map(\.upperBound).max().map { first...$0 } }
        var result: [IndicatorCatalogue.Cohort: Set<Suppression.Entry>] = [:]
        for cohort in Set(releases.values.flatMap(\.keys)) {
            var withheld = Set<Suppression.Entry>()
            for (row, sources) in rows.enumerated() {
                for (column, months) in periods.enumerated() where !gives(sources, months, cohort) {
                    withheld.insert(Suppression.Entry(row: row, column: column))
                }
                if let span, !gives(sources, span, cohort) { withheld.insert(Suppression.Entry(row: row, column: periods.count)) }
            }
            for (column, months) in periods.enumerated() where !gives(every, months, cohort) {
                withheld.insert(Suppression.Entry(row: rows.count, column: column))
            }
            if let span, !gives(every, span, cohort) { withheld.insert(Suppression.Entry(row: rows.count, column: periods.count)) }
            result[cohort] = withheld
        }
        return result
    }

    /// Whether every source's total over `months` (those the release covers) is given.
    func gives(_ sources: [Source], _ months: ClosedRange<ReleaseMonth>, _ cohort: IndicatorCatalogue.Cohort) -> Bool {
        sources.allSatisfy { source in
            guard let release = releases[source.region]?[cohort], let first = release.layout.months.first, let last = release.layout.months.last
            else { return true }
            let lower = max(months.lowerBound, first)
            let upper = min(months.upperBound, last)
            guard lower <= upper else { return true }
            return release.rangeTotal(row: source.row, months: lower...upper) != nil
        }
    }
}
