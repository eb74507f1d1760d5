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

    /// The releases, by region and cohort.
    public let releases: [String: [IndicatorCatalogue.Cohort: Release]]

    public init(releases: [String: [IndicatorCatalogue.Cohort: Release]]) {
        self.releases = releases
    }

    /// The strictest k of the releases (0 without any).
    public var k: Int { releases.values.flatMap(\.values).map(\.k).max() ?? 0 }

    /// The entries of a table (row `rows.count` and column `periods.count` are the totals)
    /// that the releases do not give, by cohort.
    /// - Parameters:
    ///   - rows: for each row of the table, the release rows it sums.
    ///   - total: the release rows all the table's rows sum to (the region's row where the
    ///     table's rows make up the whole region).
    ///   - periods: for each column, the months it covers.
    ///   - cohorts: every cohort the table publishes (one without a release gives nothing).
    public func unreleased(
        rows: [[Source]], total every: [Source], periods: [ClosedRange<ReleaseMonth>], cohorts: Set<IndicatorCatalogue.Cohort>
    ) -> [IndicatorCatalogue.Cohort: Set<Suppression.Entry>] {
        let span = periods.map(\.lowerBound).min().flatMap { first in periods.map(\.upperBound).max().map { first...$0 } }
        var result: [IndicatorCatalogue.Cohort: Set<Suppression.Entry>] = [:]
        for cohort in cohorts {
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

    /// Whether every source's total over `months` is given: over the months of `months` the
    /// release covers (from the first year with counts to the last month published, as the
    /// reports read), as published cells of the source's row. Fails closed: no sources, a
    /// source whose region has no release for the cohort, or months after the release's last
    /// (not published yet) give nothing.
    func gives(_ sources: [Source], _ months: ClosedRange<ReleaseMonth>, _ cohort: IndicatorCatalogue.Cohort) -> Bool {
        !sources.isEmpty
            && sources.allSatisfy { source in
                guard let release = releases[source.region]?[cohort], let last = release.layout.months.last, months.upperBound <= last
                else { return false }
                let covered = Set(release.layout.months.filter(months.contains))
                return covered.isEmpty || release.cover(covered, in: .all, row: source.row) != nil
            }
    }
}
