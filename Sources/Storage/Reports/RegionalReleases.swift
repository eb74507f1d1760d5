import Clinical
import Foundation
import Postgres
import Reporting
import Synchronization

/// The fixed releases of regions (docs/reporting.md, "Fixed release"): for each region and
/// cohort, the region's cells by site and month and by stratum and year, protected once,
/// jointly over the period hierarchy. A release depends on the cells and k only, never on who
/// asks, so it is kept per refresh and reused by every report until the next.
final class RegionalReleases: Sendable {
    /// The stratifications of a release: the report rows that name them.
    static let strata: [ReportQuery.Rows] = [.ageBand, .sex, .strokeType, .severityBand]

    private let kept = Mutex<[String: [IndicatorCatalogue.Cohort: Release]]>([:])

    /// The key of a region or site in releases and sources: its id in lower case, as
    /// PostgreSQL writes a uuid as text.
    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// The releases of `regions` as of the refresh at `refreshed`, each protected for its
    /// region's k — the region's `report_min_cell` (the indicators file's default where it
    /// sets none), raised by any stricter one a site of it sets, within the file's range —
    /// never the caller's, so every planner gets the same release. A region whose release
    /// cannot be made (or whose cells the caller cannot reach) is not kept and gives nothing.
    func releases(
        regions: [UUID], refreshed: Date?, disclosure: IndicatorCatalogue.Disclosure, builder: RegionalReportBuilder,
        on connection: PostgresConnection
    ) async throws -> ReleasedEntries {
        var releases: [String: [IndicatorCatalogue.Cohort: Release]] = [:]
        for region in regions {
            let configured = try await connection.query(
                """
                SELECT greatest(coalesce((SELECT report_min_cell FROM organisations WHERE id = \(region)), \(disclosure.defaultK)),
                                (SELECT max(report_min_cell) FROM organisations WHERE parent_id = \(region)))::integer
                """
            ).first?.decode(Int?.self, at: 0)
            let k = min(max(configured ?? disclosure.defaultK, disclosure.allowedK[0]), disclosure.allowedK[1])
            let cacheKey = "\(region)|\(k)|\(refreshed?.timeIntervalSince1970 ?? 0)"
            if let known = kept.withLock({ $0[cacheKey] }) {
                releases[Self.key(region)] = known
                continue
            }
            let made = try await Self.make(region: region, k: k, builder: builder, on: connection)
            guard !made.isEmpty else { continue }
            kept.withLock { kept in
                if kept.count >= 64 { kept.removeAll() }
                kept[cacheKey] = made
            }
            releases[Self.key(region)] = made
        }
        return ReleasedEntries(releases: releases)
    }

    /// A region's release per cohort from all of its cells (`report_release_cells`), over every
    /// year that has counts (whole years). Cells outside 1900–2199 are not counted (a time out
    /// of that range is refused on entry since issue 17). A region whose release cannot be made
    /// has none, and a report then withholds all of it.
    static func make(
        region: UUID, k: Int, builder: RegionalReportBuilder, on connection: PostgresConnection
    ) async throws -> [IndicatorCatalogue.Cohort: Release] {
        var byUnitMonth: [(unit: String, month: ReleaseMonth, counts: ReportCounts)] = []
        for row in try await connection.query(
            """
            SELECT hospital_id::text, month::text, \(fragment: RegionalReports.cellColumns) FROM report_release_cells(\(region))
            WHERE month BETWEEN '1900-01-01' AND '2199-12-01' GROUP BY 1, 2
            """)
        {
            let (unit, first, numbers) = try row.decode((String, String, [Double]).self)
            guard let day = CalendarDay(first) else { continue }
            byUnitMonth.append((unit, ReleaseMonth(day.year, day.month), RegionalReports.counts(numbers)))
        }
        let years = Set(byUnitMonth.map(\.month.year))
        guard !years.isEmpty else { return [:] }
        var byStratumYear: [(row: String, year: Int, counts: ReportCounts)] = []
        for stratum in strata {
            for row in try await connection.query(
                """
                SELECT \(fragment: stratum.fragment)::text, extract(year FROM month)::integer, \(fragment: RegionalReports.cellColumns)
                FROM report_release_cells(\(region)) WHERE month BETWEEN '1900-01-01' AND '2199-12-01' GROUP BY 1, 2
                """)
            {
                let (value, year, numbers) = try row.decode((String, Int, [Double]).self)
                byStratumYear.append((Self.releaseRow(stratum, value), year, RegionalReports.counts(numbers)))
            }
        }
        do {
            let layout = try ReleaseLayout.regional(
                months: years.sorted().flatMap { year in (1...12).map { ReleaseMonth(year, $0) } }, units: Array(Set(byUnitMonth.map(\.unit))).sorted(),
                strata: strata.map { stratum in Array(Set(byStratumYear.map(\.row).filter { $0.hasPrefix(stratum.rawValue + "=") })).sorted() }
                    .filter { !$0.isEmpty })
            var releases: [IndicatorCatalogue.Cohort: Release] = [:]
            for (cohort, kinds) in builder.bases() {
                var counts: [String: [ReleaseCell: Int]] = [:]
                for (kind, size) in kinds {
                    var cells: [ReleaseCell: Int] = [:]
                    for entry in byUnitMonth { cells[ReleaseCell(entry.unit, .month(entry.month)), default: 0] += size(entry.counts) }
                    for entry in byStratumYear { cells[ReleaseCell(entry.row, .year(entry.year)), default: 0] += size(entry.counts) }
                    counts[kind] = cells
                }
                releases[cohort] = try Release(layout: layout, counts: counts, k: k)
            }
            return releases
        } catch is ReleaseError {
            return [:]
        }
    }

    /// The release row of a stratum value: `sex=female`, `age_band=2`.
    static func releaseRow(_ stratum: ReportQuery.Rows, _ value: String) -> String { stratum.rawValue + "=" + value }
}
