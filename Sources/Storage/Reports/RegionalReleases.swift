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

    /// The releases of `regions` for `k`, as of the refresh at `refreshed`.
    func releases(
        regions: [UUID], k: Int, refreshed: Date?, builder: RegionalReportBuilder, on connection: PostgresConnection
    ) async throws -> ReleasedEntries {
        var releases: [String: [IndicatorCatalogue.Cohort: Release]] = [:]
        for region in regions {
            let key = "\(region)|\(k)|\(refreshed?.timeIntervalSince1970 ?? 0)"
            if let known = kept.withLock({ $0[key] }) {
                releases[region.uuidString] = known
                continue
            }
            let made = try await Self.make(region: region, k: k, builder: builder, on: connection)
            kept.withLock { kept in
                if kept.count >= 64 { kept.removeAll() }
                kept[key] = made
            }
            releases[region.uuidString] = made
        }
        return ReleasedEntries(releases: releases)
    }

    /// A region's release per cohort from all of its cells (`report_release_cells`).
    static func make(
        region: UUID, k: Int, builder: RegionalReportBuilder, on connection: PostgresConnection
    ) async throws -> [IndicatorCatalogue.Cohort: Release] {
        var byUnitMonth: [(unit: String, month: ReleaseMonth, counts: ReportCounts)] = []
        for row in try await connection.query(
            "SELECT hospital_id::text, month::text, \(fragment: RegionalReports.cellColumns) FROM report_release_cells(\(region)) GROUP BY 1, 2")
        {
            let (unit, first, numbers) = try row.decode((String, String, [Double]).self)
            guard let day = CalendarDay(first) else { continue }
            byUnitMonth.append((unit, ReleaseMonth(day.year, day.month), RegionalReports.counts(numbers)))
        }
        guard let first = byUnitMonth.map(\.month).min(), let last = byUnitMonth.map(\.month).max() else { return [:] }
        var byStratumYear: [(row: String, year: Int, counts: ReportCounts)] = []
        for stratum in strata {
            for row in try await connection.query(
                """
                SELECT \(fragment: stratum.fragment)::text, extract(year FROM month)::integer, \(fragment: RegionalReports.cellColumns)
                FROM report_release_cells(\(region)) GROUP BY 1, 2
                """)
            {
                let (value, year, numbers) = try row.decode((String, Int, [Double]).self)
                byStratumYear.append((Self.releaseRow(stratum, value), year, RegionalReports.counts(numbers)))
            }
        }
        let layout = try ReleaseLayout.regional(
            months: ReleaseMonth.through(first, last), units: Array(Set(byUnitMonth.map(\.unit))).sorted(),
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
    }

    /// The release row of a stratum value: `sex=female`, `age_band=2`.
    static func releaseRow(_ stratum: ReportQuery.Rows, _ value: String) -> String { stratum.rawValue + "=" + value }
}
