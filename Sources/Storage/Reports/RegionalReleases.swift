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
    /// never the caller's, so every planner gets the same release; and each a version of the
    /// region's earlier ones (`version`). A region whose release cannot be made (or whose cells
    /// the caller cannot reach) is not kept and gives nothing.
    func releases(
        regions: [UUID], refreshed: Date?, through: ReleaseMonth, disclosure: IndicatorCatalogue.Disclosure, builder: RegionalReportBuilder,
        on connection: PostgresConnection
    ) async throws -> ReleasedEntries {
        var releases: [String: [IndicatorCatalogue.Cohort: Release]] = [:]
        // In one order, so that two reports take the regions' version locks without deadlock.
        for region in regions.sorted(by: { Self.key($0) < Self.key($1) }) {
            let configured = try await connection.query(
                """
                SELECT greatest(coalesce((SELECT report_min_cell FROM organisations WHERE id = \(region)), \(disclosure.defaultK)),
                                (SELECT max(report_min_cell) FROM organisations WHERE parent_id = \(region)))::integer
                """
            ).first?.decode(Int?.self, at: 0)
            let k = min(max(configured ?? disclosure.defaultK, disclosure.allowedK[0]), disclosure.allowedK[1])
            let cacheKey = "\(region)|\(k)|\(refreshed?.timeIntervalSince1970 ?? 0)|\(through)"
            if let known = kept.withLock({ $0[cacheKey] }) {
                releases[Self.key(region)] = known
                continue
            }
            guard let refreshed, let counts = try await Self.counts(region: region, through: through, builder: builder, on: connection) else { continue }
            let (made, stored) = try await Self.version(
                region: region, k: k, refreshed: refreshed, layout: counts.layout, counts: counts.byCohort, on: connection)
            guard !made.isEmpty else { continue }
            // Only versions already stored (committed) are kept: one this report adds is stored
            // only if the report's transaction commits.
            if stored {
                kept.withLock { kept in
                    if kept.count >= 64 { kept.removeAll() }
                    kept[cacheKey] = made
                }
            }
            releases[Self.key(region)] = made
        }
        return ReleasedEntries(releases: releases)
    }

    /// A region's releases as of the refresh at `refreshed`, as versions of the ones it has
    /// published before (`report_release_history`), under a lock per region so that versions
    /// are made one at a time: the version of this refresh and k again where one is stored;
    /// else a new one protected against every stored version of its cohort, recorded
    /// (`report_release_publish`) unless it publishes what the latest did. Returns the
    /// releases and whether every one of them was stored before. A history that cannot be
    /// read gives no release (every entry withheld).
    static func version(
        region: UUID, k: Int, refreshed: Date, layout: ReleaseLayout, counts: [IndicatorCatalogue.Cohort: [String: [ReleaseCell: Int]]],
        on connection: PostgresConnection
    ) async throws -> (releases: [IndicatorCatalogue.Cohort: Release], stored: Bool) {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("strokepath release version " + key(region)), 0))")
        var history: [String: [(refreshed: Date, k: Int, face: PublishedRelease)]] = [:]
        for row in try await connection.query("SELECT cohort, refreshed_at, k, face::text FROM report_release_history(\(region))") {
            let (cohort, at, faceK, text) = try row.decode((String, Date, Int, String).self)
            guard let face = try? JSONDecoder().decode(PublishedRelease.self, from: Data(text.utf8)) else { return ([:], false) }
            history[cohort, default: []].append((at, faceK, face))
        }
        var releases: [IndicatorCatalogue.Cohort: Release] = [:]
        var stored = true
        do {
            for (cohort, kinds) in counts {
                let name = String(describing: cohort)
                let earlier = history[name] ?? []
                if let same = earlier.last(where: { abs($0.refreshed.timeIntervalSince(refreshed)) < 0.000_5 && $0.k == k }),
                    let again = try? Release(layout: layout, counts: kinds, republishing: same.face)
                {
                    releases[cohort] = again
                    continue
                }
                let release = try Release(layout: layout, counts: kinds, k: k, earlier: earlier.map(\.face))
                let face = PublishedRelease(release)
                if face != earlier.last?.face {
                    let json = String(decoding: try JSONEncoder().encode(face), as: UTF8.self)
                    try await connection.query("SELECT report_release_publish(\(region), \(name), \(refreshed), \(k)::integer, \(json)::jsonb)")
                    stored = false
                }
                releases[cohort] = release
            }
        } catch is ReleaseError {
            return ([:], false)
        }
        return (releases, stored)
    }

    /// A region's layout and, per cohort, its counts by kind, from all of its cells
    /// (`report_release_cells`) of months published (`through` and before), from January of
    /// the first year with counts; nil for a region without such counts or whose cells do not
    /// make a layout. Cells before 1900 are not counted (a time out of 1900–2199 is refused on
    /// entry since issue 17).
    static func counts(
        region: UUID, through: ReleaseMonth, builder: RegionalReportBuilder, on connection: PostgresConnection
    ) async throws -> (layout: ReleaseLayout, byCohort: [IndicatorCatalogue.Cohort: [String: [ReleaseCell: Int]]])? {
        let last = "\(through)-01"
        var byUnitMonth: [(unit: String, month: ReleaseMonth, counts: ReportCounts)] = []
        for row in try await connection.query(
            """
            SELECT hospital_id::text, month::text, \(fragment: RegionalReports.cellColumns) FROM report_release_cells(\(region))
            WHERE month BETWEEN '1900-01-01' AND \(last)::date GROUP BY 1, 2
            """)
        {
            let (unit, first, numbers) = try row.decode((String, String, [Double]).self)
            guard let day = CalendarDay(first) else { continue }
            byUnitMonth.append((unit, ReleaseMonth(day.year, day.month), RegionalReports.counts(numbers)))
        }
        let years = Set(byUnitMonth.map(\.month.year))
        guard !years.isEmpty else { return nil }
        var byStratumYear: [(row: String, year: Int, counts: ReportCounts)] = []
        for stratum in strata {
            for row in try await connection.query(
                """
                SELECT \(fragment: stratum.fragment)::text, extract(year FROM month)::integer, \(fragment: RegionalReports.cellColumns)
                FROM report_release_cells(\(region)) WHERE month BETWEEN '1900-01-01' AND \(last)::date GROUP BY 1, 2
                """)
            {
                let (value, year, numbers) = try row.decode((String, Int, [Double]).self)
                byStratumYear.append((Self.releaseRow(stratum, value), year, RegionalReports.counts(numbers)))
            }
        }
        guard
            let layout = try? ReleaseLayout.regional(
                months: years.min().map { ReleaseMonth.through(ReleaseMonth($0, 1), through) } ?? [], units: Array(Set(byUnitMonth.map(\.unit))).sorted(),
                strata: strata.map { stratum in Array(Set(byStratumYear.map(\.row).filter { $0.hasPrefix(stratum.rawValue + "=") })).sorted() }
                    .filter { !$0.isEmpty })
        else { return nil }
        var byCohort: [IndicatorCatalogue.Cohort: [String: [ReleaseCell: Int]]] = [:]
        for (cohort, kinds) in builder.bases() {
            for (kind, size) in kinds {
                var cells: [ReleaseCell: Int] = [:]
                for entry in byUnitMonth { cells[ReleaseCell(entry.unit, .month(entry.month)), default: 0] += size(entry.counts) }
                for entry in byStratumYear { cells[ReleaseCell(entry.row, .year(entry.year)), default: 0] += size(entry.counts) }
                byCohort[cohort, default: [:]][kind] = cells
            }
        }
        return (layout, byCohort)
    }

    /// The release row of a stratum value: `sex=female`, `age_band=2`.
    static func releaseRow(_ stratum: ReportQuery.Rows, _ value: String) -> String { stratum.rawValue + "=" + value }
}
