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
        on connection: PostgresConnection, versioning: ReleaseVersioning
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
            let (made, stored) = try await versioning.version(region: region, k: k, refreshed: refreshed, through: through, counts: counts, on: connection)
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

    /// A region's counts for a release: its hospitals, the values of each stratification, the
    /// first year with counts, and per cohort the counts by kind of hospital-months and
    /// stratum-years.
    struct RegionCounts {
        var units: Set<String>
        var strata: [ReportQuery.Rows: Set<String>]
        var firstYear: Int
        var byCohort: [IndicatorCatalogue.Cohort: [String: [ReleaseCell: Int]]]

        /// The layout through `through` of these rows and years and of every row and year an
        /// earlier version published (kept at zero: a row or year left out would change the
        /// totals that version published by what it held).
        func layout(through: ReleaseMonth, keeping faces: [PublishedRelease]) throws -> ReleaseLayout {
            let cells = faces.flatMap { face in Array(face.withheld) + face.values.values.flatMap(\.keys) }
            let rows = Set(cells.map(\.row))
            let years = cells.compactMap { cell -> Int? in
                switch cell.period {
                case .month(let month): month.year
                case .quarter(let year, _), .year(let year): year
                case .all: nil
                }
            }
            let first = min(firstYear, years.min() ?? firstYear)
            return try ReleaseLayout.regional(
                months: ReleaseMonth.through(ReleaseMonth(first, 1), through),
                units: units.union(rows.filter { !$0.contains("=") && $0 != "region" }).sorted(),
                strata: RegionalReleases.strata.map { stratum in
                    strata[stratum, default: []].union(rows.filter { $0.hasPrefix(stratum.rawValue + "=") }).sorted()
                }
                .filter { !$0.isEmpty })
        }
    }

    /// A region's releases as of the refresh at `refreshed`, as versions of the ones it has
    /// published before (`report_release_history`), under a lock per region so that versions
    /// are made one at a time: the version of this refresh and k again where one is stored and
    /// still protects these counts against the versions before it; else a new one protected
    /// against every stored version of its cohort, recorded (`report_release_publish`) unless
    /// it publishes what the latest did. Returns the releases and whether every one of them was
    /// stored before. A history that cannot be read, or a release that cannot be laid out over
    /// what earlier versions published, gives no release (every entry withheld).
    static func version(
        region: UUID, k: Int, refreshed: Date, through: ReleaseMonth, counts: RegionCounts, on connection: PostgresConnection
    ) async throws -> (releases: [IndicatorCatalogue.Cohort: Release], stored: Bool) {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("strokepath release version " + key(region)), 0))")
        var history: [String: [(refreshed: Date, k: Int, face: PublishedRelease)]] = [:]
        for row in try await connection.query("SELECT cohort, refreshed_at, k, face::text FROM report_release_history(\(region))") {
            let (cohort, at, faceK, text) = try row.decode((String, Date, Int, String).self)
            guard let face = try? JSONDecoder().decode(PublishedRelease.self, from: Data(text.utf8)), face.k == faceK, Self.isWellFormed(face, through: through)
            else { return ([:], false) }
            history[cohort, default: []].append((at, faceK, face))
        }
        var releases: [IndicatorCatalogue.Cohort: Release] = [:]
        var stored = true
        do {
            let layout = try counts.layout(through: through, keeping: history.values.flatMap { $0.map(\.face) })
            for (cohort, kinds) in counts.byCohort {
                let name = String(describing: cohort)
                let earlier = history[name] ?? []
                // Published again where it can be: a version of this refresh (newest first), else
                // the latest, when it protects these counts as they are.
                let candidates = earlier.indices.reversed().filter { index in
                    earlier[index].k == k && (index == earlier.count - 1 || abs(earlier[index].refreshed.timeIntervalSince(refreshed)) < 0.000_5)
                }
                if let again = candidates.lazy.compactMap({ index in
                    try? Release(layout: layout, counts: kinds, republishing: earlier[index].face, earlier: earlier[..<index].map(\.face))
                }).first {
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

    /// Whether a stored version names only cells a release of this service can have: rows of
    /// the region, a site (a uuid as PostgreSQL writes it) or a stratum value, in periods from
    /// 1900 to the last month published. Anything else withholds the region (fail closed) and
    /// never reaches a layout.
    static func isWellFormed(_ face: PublishedRelease, through: ReleaseMonth) -> Bool {
        let prefixes = strata.map { $0.rawValue + "=" }
        return (Array(face.withheld) + face.values.values.flatMap(\.keys)).allSatisfy { cell in
            let row =
                cell.row == "region" || UUID(uuidString: cell.row).map { key($0) == cell.row } == true
                || prefixes.contains { cell.row.hasPrefix($0) && cell.row.count <= $0.count + 40 }
            let year: Int? =
                switch cell.period {
                case .month(let month): month.year
                case .quarter(let year, _), .year(let year): year
                case .all: nil
                }
            return row && year.map { (1900...through.year).contains($0) } != false
        }
    }

    /// A region's counts (`RegionCounts`) from all of its cells (`report_release_cells`) of
    /// months published (`through` and before); nil for a region without such counts. Cells
    /// before 1900 are not counted (a time out of 1900–2199 is refused on entry since issue 17).
    static func counts(
        region: UUID, through: ReleaseMonth, builder: RegionalReportBuilder, on connection: PostgresConnection
    ) async throws -> RegionCounts? {
        // The first day of the last month published, bound as a date (CalendarDay) so that the
        // comparison is with a constant, not a text cast row by row.
        let last = CalendarDay(year: through.year, month: through.month, day: 1)
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
        guard let firstYear = byUnitMonth.map(\.month.year).min() else { return nil }
        var byStratumYear: [(row: String, year: Int, counts: ReportCounts)] = []
        var strata: [ReportQuery.Rows: Set<String>] = [:]
        for stratum in Self.strata {
            for row in try await connection.query(
                """
                SELECT \(fragment: stratum.fragment)::text, extract(year FROM month)::integer, \(fragment: RegionalReports.cellColumns)
                FROM report_release_cells(\(region)) WHERE month BETWEEN '1900-01-01' AND \(last)::date GROUP BY 1, 2
                """)
            {
                let (value, year, numbers) = try row.decode((String, Int, [Double]).self)
                let name = Self.releaseRow(stratum, value)
                strata[stratum, default: []].insert(name)
                byStratumYear.append((name, year, RegionalReports.counts(numbers)))
            }
        }
        var byCohort: [IndicatorCatalogue.Cohort: [String: [ReleaseCell: Int]]] = [:]
        for (cohort, kinds) in builder.bases() {
            for (kind, size) in kinds {
                var cells: [ReleaseCell: Int] = [:]
                for entry in byUnitMonth { cells[ReleaseCell(entry.unit, .month(entry.month)), default: 0] += size(entry.counts) }
                for entry in byStratumYear { cells[ReleaseCell(entry.row, .year(entry.year)), default: 0] += size(entry.counts) }
                byCohort[cohort, default: [:]][kind] = cells
            }
        }
        return RegionCounts(units: Set(byUnitMonth.map(\.unit)), strata: strata, firstYear: firstYear, byCohort: byCohort)
    }

    /// The release row of a stratum value: `sex=female`, `age_band=2`.
    static func releaseRow(_ stratum: ReportQuery.Rows, _ value: String) -> String { stratum.rawValue + "=" + value }
}

/// Where a report records the versions of the releases it publishes: in its own transaction
/// (on the primary), or — for a report read from a hot standby, which can write nothing — in a
/// transaction of its own on the primary per region, committed before the report is sent.
enum ReleaseVersioning: Sendable {
    case sameTransaction
    case primary(PostgresPool, AccessContext)

    /// `RegionalReleases.version` where this says; whether every release was stored before
    /// the report's own transaction ends.
    func version(
        region: UUID, k: Int, refreshed: Date, through: ReleaseMonth, counts: RegionalReleases.RegionCounts, on connection: PostgresConnection
    ) async throws -> (releases: [IndicatorCatalogue.Cohort: Release], stored: Bool) {
        switch self {
        case .sameTransaction:
            return try await RegionalReleases.version(region: region, k: k, refreshed: refreshed, through: through, counts: counts, on: connection)
        case .primary(let pool, let context):
            let releases = try await pool.withAccess(context) { primary in
                try await primary.query("SET LOCAL ROLE strokepath_planner")
                return try await RegionalReleases.version(region: region, k: k, refreshed: refreshed, through: through, counts: counts, on: primary).releases
            }
            return (releases, true)
        }
    }
}
