import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Seed
import Storage
import Testing

/// The differencing attack of the security review (H1), run against the real reports of a
/// 50,000-episode synthetic region and the demo region: a planner asks for whatever whole
/// periods and rows are allowed and subtracts published figures — a year less the months on
/// either side of a month, a quarter less its other months, a period's total less the other
/// rows, a stratum's year total less its other values — and must learn no count of 1 to k − 1
/// patients. Every population a value is based on (each indicator's n) is attacked.
@Suite(.timeLimit(.minutes(15))) struct DifferencingAttackTests {
    /// What an attack found: subtractions made (all their terms published), and the small
    /// counts they gave.
    struct Tally: CustomStringConvertible {
        var attempts = 0
        var small: [String] = []
        var description: String { "\(attempts) subtractions, \(small.count) gave 1 to k − 1: \(small.prefix(8))" }

        mutating func subtract(_ label: String, _ whole: Int?, _ parts: [Int?], k: Int) {
            add(label, [whole] + parts.map { $0.map { -$0 } }, k: k)
        }

        /// Adds up signed terms (a change between versions can be negative: a group of 1 to
        /// k − 1 either way counts).
        mutating func add(_ label: String, _ terms: [Int?], k: Int) {
            guard terms.allSatisfy({ $0 != nil }) else { return }
            attempts += 1
            let sum = terms.reduce(0) { $0 + ($1 ?? 0) }
            if (1..<k).contains(abs(sum)) { small.append("\(label) = \(sum)") }
        }
    }

    /// A published population count of a report: an indicator's, in a row (`*total*` for the
    /// period's total) and a period (`2025`, `2025-Q2`, `2025-04`).
    struct Figure: Hashable, CustomStringConvertible {
        var indicator: String
        var row: String
        var period: String
        var description: String { "\(indicator) \(row) \(period)" }
    }

    /// Every population count the hospital rows' reports by year, quarter and month of `years`
    /// publish (nil where withheld).
    static func figures(_ reports: RegionalReports, as planner: AccessContext, years: [Int]) async throws -> [Figure: Int?] {
        var figures: [Figure: Int?] = [:]
        for year in years {
            for period in [ReportQuery.Period.year, .quarter, .month] {
                let report = try await reports.report(
                    ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: period, rows: .hospital), as: planner)
                for table in report.tables where table.indicator.population != .resources {
                    for (column, label) in table.periods.enumerated() {
                        for (index, row) in table.rows.enumerated() {
                            let value = table.cells[index][column]
                            figures[Figure(indicator: table.indicator.id, row: row, period: label)] = value.suppressed == true ? nil : value.n
                        }
                        let total = table.periodTotals[column]
                        figures[Figure(indicator: table.indicator.id, row: "*total*", period: label)] = total.suppressed == true ? nil : total.n
                    }
                }
            }
        }
        return figures
    }

    /// Two versions of the release, attacked through the same requests before and after a
    /// refresh: each figure's change (after less before), a month's change as its year's or
    /// quarter's change less the other months', a hospital's change as the period total's less
    /// the other hospitals'. None may be a change of 1 to k − 1 patients either way.
    static func attackVersions(before: [Figure: Int?], after: [Figure: Int?], years: [Int], k: Int) -> Tally {
        var tally = Tally()
        func change(_ figure: Figure) -> Int? {
            guard let new = after[figure] ?? nil, let old = before[figure] ?? nil else { return nil }
            return new - old
        }
        for figure in after.keys.sorted(by: { $0.description < $1.description }) { tally.add("\(figure): after less before", [change(figure)], k: k) }
        let lines = Set(after.keys.map { [$0.indicator, $0.row] })
        for line in lines {
            let (indicator, row) = (line[0], line[1])
            func figure(_ period: String) -> Figure { Figure(indicator: indicator, row: row, period: period) }
            for year in years {
                let months = (1...12).map { String(format: "%04d-%02d", year, $0) }
                for month in months {
                    let others = months.filter { $0 != month }
                    tally.add(
                        "\(figure(month)): change of the year less the other months'",
                        [change(figure("\(year)"))] + others.map { change(figure($0)).map { -$0 } }, k: k)
                    let quarter = Self.quarter(of: month)
                    tally.add(
                        "\(figure(month)): change of the quarter less its other months'",
                        [change(figure(quarter))] + others.filter { Self.quarter(of: $0) == quarter }.map { change(figure($0)).map { -$0 } }, k: k)
                }
            }
        }
        let periods = Set(after.keys.map(\.period))
        for indicator in Set(after.keys.map(\.indicator)) {
            let rows = Set(after.keys.filter { $0.indicator == indicator && $0.row != "*total*" }.map(\.row))
            for period in periods {
                for left in rows {
                    tally.add(
                        "\(indicator) \(left) \(period): change of the total less the other hospitals'",
                        [change(Figure(indicator: indicator, row: "*total*", period: period))]
                            + rows.filter { $0 != left }.map { change(Figure(indicator: indicator, row: $0, period: period)).map { -$0 } }, k: k)
                }
            }
        }
        return tally
    }

    /// Each table's population count (n) per row, of the row totals, or of one period's cells.
    static func counts(_ report: RegionalReport, column: Int? = nil) -> [String: [String: Int?]] {
        var counts: [String: [String: Int?]] = [:]
        for table in report.tables where table.indicator.population != .resources {
            for (index, row) in table.rows.enumerated() {
                let value = column.map { table.cells[index][$0] } ?? table.rowTotals[index]
                counts[table.indicator.id, default: [:]][row] = value.suppressed == true ? nil : value.n
            }
            counts[table.indicator.id, default: [:]]["*total*"] =
                column.map { table.periodTotals[$0] }.map { $0.suppressed == true ? nil : $0.n }
                ?? (table.total.suppressed == true ? nil : table.total.n)
        }
        return counts
    }

    static func day(_ year: Int, _ month: Int, last: Bool = false) -> CalendarDay? {
        guard last else { return CalendarDay(String(format: "%04d-%02d-01", year, month)) }
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        return CalendarDay(String(format: "%04d-%02d-01", next.0, next.1))?.adding(days: -1)
    }

    /// Every family of subtraction over the years `years` of the region `planner` reports for.
    static func attack(_ reports: RegionalReports, as planner: AccessContext, years: [Int], k: Int) async throws -> Tally {
        var tally = Tally()
        for year in years {
            let whole = try await reports.report(
                ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .year, rows: .hospital), as: planner)
            let yearly = counts(whole)
            let byMonth = try await reports.report(
                ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .month, rows: .hospital), as: planner)
            for month in 1...12 {
                // The review's attack: the year less the months before and after the month.
                let before =
                    month > 1
                    ? counts(
                        try await reports.report(
                            ReportQuery(from: day(year, 1), to: day(year, month - 1, last: true), period: .month, rows: .hospital), as: planner)) : [:]
                let after =
                    month < 12
                    ? counts(
                        try await reports.report(
                            ReportQuery(from: day(year, month + 1), to: day(year, 12, last: true), period: .month, rows: .hospital), as: planner)) : [:]
                for (indicator, rows) in yearly {
                    for (row, total) in rows {
                        let parts: [Int?] = (before.isEmpty ? [] : [before[indicator]?[row] ?? nil]) + (after.isEmpty ? [] : [after[indicator]?[row] ?? nil])
                        tally.subtract("\(indicator) \(row) \(year)-\(month): year less the rest", total, parts, k: k)
                    }
                }
            }
            // A period's total less the other rows, in the monthly table.
            for (column, period) in (byMonth.tables.first?.periods ?? []).enumerated() {
                let cells = counts(byMonth, column: column)
                for (indicator, rows) in cells {
                    let hospitals = rows.keys.filter { $0 != "*total*" }
                    for left in hospitals {
                        tally.subtract(
                            "\(indicator) \(left) \(period): total less the others", rows["*total*"] ?? nil,
                            hospitals.filter { $0 != left }.map { rows[$0] ?? nil }, k: k)
                    }
                }
            }
            // A quarter less its other months.
            let quarters = try await reports.report(
                ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .quarter, rows: .hospital), as: planner)
            for (column, quarter) in (quarters.tables.first?.periods ?? []).enumerated() {
                let whole = counts(quarters, column: column)
                let months = (byMonth.tables.first?.periods ?? []).enumerated().filter {
                    $0.element.hasPrefix("\(year)-") && Self.quarter(of: $0.element) == quarter
                }
                .map { counts(byMonth, column: $0.offset) }
                for (indicator, rows) in whole {
                    for (row, total) in rows {
                        for left in months.indices {
                            tally.subtract(
                                "\(indicator) \(row) \(quarter) month \(left): quarter less the others", total,
                                months.indices.filter { $0 != left }.map { months[$0][indicator]?[row] ?? nil }, k: k)
                        }
                    }
                }
            }
            // The region's year total less the region kept to each other value of a stratum
            // (rows by region with a stratum filter).
            let region = counts(
                try await reports.report(ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .year, rows: .region), as: planner))
            for (rows, values) in [(ReportQuery.Rows.sex, ["female", "male", "other", "unknown"]), (.strokeType, StrokeType.allCases.map(\.rawValue))] {
                var kept: [[String: [String: Int?]]] = []
                for value in values {
                    var query = ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .year, rows: .region)
                    if rows == .sex { query.sex = value } else { query.strokeType = value }
                    kept.append(counts(try await reports.report(query, as: planner)))
                }
                for (indicator, totals) in region {
                    for left in kept.indices {
                        tally.subtract(
                            "\(indicator) \(rows.rawValue)=\(values[left]) \(year): region less the region kept to the others", totals["*total*"] ?? nil,
                            kept.indices.filter { $0 != left }.map { kept[$0][indicator]?["*total*"] ?? nil }, k: k)
                    }
                }
            }
            // A stratum's year total less the other values, for each stratification.
            for rows in [ReportQuery.Rows.ageBand, .sex, .strokeType, .severityBand] {
                let strata = counts(
                    try await reports.report(
                        ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .year, rows: rows), as: planner))
                for (indicator, values) in strata {
                    let named = values.keys.filter { $0 != "*total*" }
                    for left in named {
                        tally.subtract(
                            "\(indicator) \(rows.rawValue)=\(left) \(year): total less the others", values["*total*"] ?? nil,
                            named.filter { $0 != left }.map { values[$0] ?? nil }, k: k)
                    }
                }
            }
        }
        return tally
    }

    /// For a planner of some sites of a region: their sites by month, quarter and year, and
    /// the region row (their sites together) likewise — the year less its other months, the
    /// quarter less its other months.
    static func attackPart(_ reports: RegionalReports, as planner: AccessContext, years: [Int], k: Int) async throws -> Tally {
        var tally = Tally()
        for year in years {
            for rows in [ReportQuery.Rows.hospital, .region] {
                let yearly = counts(
                    try await reports.report(ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .year, rows: rows), as: planner))
                let byMonth = try await reports.report(ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .month, rows: rows), as: planner)
                let months = byMonth.tables.first?.periods ?? []
                let quarters = try await reports.report(
                    ReportQuery(from: day(year, 1), to: day(year, 12, last: true), period: .quarter, rows: rows), as: planner)
                for (column, quarter) in (quarters.tables.first?.periods ?? []).enumerated() {
                    let inside = months.indices.filter { Self.quarter(of: months[$0]) == quarter }
                    for (indicator, quarterCells) in counts(quarters, column: column) {
                        for (row, total) in quarterCells {
                            for left in inside {
                                tally.subtract(
                                    "\(indicator) \(row) \(months[left]): quarter less its other months", total,
                                    inside.filter { $0 != left }.map { counts(byMonth, column: $0)[indicator]?[row] ?? nil }, k: k)
                            }
                        }
                    }
                }
                for (indicator, rowTotals) in yearly {
                    for (row, total) in rowTotals {
                        for left in months.indices {
                            tally.subtract(
                                "\(indicator) \(row) \(months[left]): year less the other months", total,
                                months.indices.filter { $0 != left }.map { counts(byMonth, column: $0)[indicator]?[row] ?? nil }, k: k)
                        }
                    }
                }
            }
        }
        return tally
    }

    /// Registers copies of up to `copies` of a site's episodes that arrived in `month` late,
    /// as new episodes (the generated columns left to the database).
    static let lateCopiesFunction: PostgresQuery = """
        CREATE FUNCTION late_copies(site uuid, month date, copies integer) RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            columns text;
            added integer;
        BEGIN
            SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO columns FROM pg_attribute
            WHERE attrelid = 'stroke_episodes'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' AND attname <> 'id';
            EXECUTE format('INSERT INTO stroke_episodes (id, %s) SELECT gen_random_uuid(), %s FROM stroke_episodes
                            WHERE organisation_id = $1 AND date_trunc(''month'', arrival_at AT TIME ZONE ''UTC'')::date = $2 LIMIT $3', columns, columns)
                USING site, month, copies;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added;
        END
        $$
        """

    /// Dates the last refresh `day` December 2026, so that the months published (to July
    /// 2026) and the figures do not depend on the day the test runs.
    static func pinRefresh(_ database: TestDatabase, day: Int) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.query("UPDATE report_refreshes SET refreshed_at = make_timestamptz(2026, 12, \(day)::integer, 12, 0, 0, 'UTC')")
        }
    }

    /// `2024-Q1` for `2024-02`.
    static func quarter(of month: String) -> String {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let number = Int(parts[1]) else { return "" }
        return "\(parts[0])-Q\((number - 1) / 3 + 1)"
    }

    @Test func H1_noSubtractionOfAllowedReportsRevealsACountBelowK() async throws {
        try await TestDatabase.with { database in
            let end = try #require(try? Date("2026-11-01T00:00:00Z", strategy: .iso8601))
            let synthetic = SyntheticRegion(episodes: 50_000, regions: 1, seed: 2026, end: end)
            _ = try await database.withPool(.owner) { pool in try await synthetic.load(into: pool) { _ in } }
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let reports = RegionalReports(pool: pool, catalogue: try ReportFixture.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                _ = try await reports.refresh(as: AccessContext(subject: "admin", role: "admin", organisations: []))
                try await Self.pinRefresh(database, day: 6)
                let regions = try await database.withPool(.superuser) {
                    try await $0.query("SELECT id FROM organisations WHERE kind = 'region' ORDER BY code").decode(UUID.self)
                }
                #expect(regions.count == 2, "the demo region and the synthetic one")
                // A planner of two sites of the synthetic region (a large and the smallest): their rows and
                // their part of the region.
                let sites = try await database.withPool(.superuser) {
                    try await $0.query(
                        """
                        SELECT c.hospital_id FROM report_cells c JOIN organisations r ON r.id = c.region_id
                        WHERE r.code LIKE 'SYN%' GROUP BY 1 ORDER BY sum(c.episodes) DESC
                        """
                    ).decode(UUID.self)
                }
                let part = AccessContext(subject: "planner-part", role: "planner", organisations: [sites[0], sites[sites.count - 1]])
                let partK = try await reports.report(ReportQuery(period: .all), as: part).k
                let partTally = try await Self.attackPart(reports, as: part, years: [2024, 2025, 2026], k: partK)
                #expect(partTally.small.isEmpty, "a planner of two sites: \(partTally)")
                #expect(partTally.attempts > 100, "\(partTally)")
                print("differencing attack by a planner of two sites: \(partTally)")
                for region in regions {
                    let planner = AccessContext(subject: "planner", role: "planner", organisations: [region])
                    let k = try await reports.report(ReportQuery(period: .all), as: planner).k
                    let tally = try await Self.attack(reports, as: planner, years: [2024, 2025, 2026], k: k)
                    #expect(tally.small.isEmpty, "\(region): \(tally)")
                    #expect(region == DemoData.organisations[0].id || tally.attempts > 1_000, "the attack had published figures to subtract: \(tally)")
                    // The figures for the issue's note (ops/test prints them).
                    print("differencing attack on \(region == DemoData.organisations[0].id ? "the demo region" : "the synthetic region"): \(tally)")
                }
                // Two versions: the figures as published, then late registrations (one by one and a
                // batch) and a follow-up recorded late, a refresh, and the same requests again.
                let years = [2024, 2025, 2026]
                var before: [UUID: [Figure: Int?]] = [:]
                for region in regions {
                    before[region] = try await Self.figures(
                        reports, as: AccessContext(subject: "planner", role: "planner", organisations: [region]), years: years)
                }
                let demoSites = DemoData.organisations.filter { $0.kind == "hospital" }.map(\.id)
                try await database.withPool(.superuser) { pool in
                    try await pool.query(Self.lateCopiesFunction)
                    let demoMonth = try await pool.query(
                        """
                        SELECT date_trunc('month', arrival_at AT TIME ZONE 'UTC')::date::text FROM stroke_episodes
                        WHERE organisation_id = \(demoSites[0]) AND arrival_at >= '2024-01-01' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1
                        """
                    ).single().decode(String.self)
                    for (site, month, copies) in [
                        (sites[sites.count - 1], "2025-05-01", 3), (sites[0], "2024-11-01", 2), (sites[1], "2026-02-01", 14), (sites[2], "2025-08-01", 1),
                        (demoSites[0], demoMonth, 2),
                    ] {
                        let added = try await pool.query("SELECT late_copies(\(site), \(month)::date, \(copies)::integer)").single().decode(Int.self)
                        #expect(added == copies, "\(site) \(month): \(added) of \(copies)")
                    }
                    try await pool.query(
                        """
                        UPDATE stroke_episodes SET mrs_90 = 2 WHERE id = (SELECT id FROM stroke_episodes WHERE organisation_id = \(sites[3])
                            AND mrs_90 IS NULL AND arrival_at >= '2025-01-01' AND arrival_at < '2025-02-01' LIMIT 1)
                        """)
                }
                _ = try await reports.refresh(as: AccessContext(subject: "admin", role: "admin", organisations: []))
                try await Self.pinRefresh(database, day: 7)
                for region in regions {
                    let planner = AccessContext(subject: "planner", role: "planner", organisations: [region])
                    let k = try await reports.report(ReportQuery(period: .all), as: planner).k
                    let name = region == DemoData.organisations[0].id ? "the demo region" : "the synthetic region"
                    let within = try await Self.attack(reports, as: planner, years: years, k: k)
                    #expect(within.small.isEmpty, "\(name), the second version: \(within)")
                    let after = try await Self.figures(reports, as: planner, years: years)
                    let versions = Self.attackVersions(before: before[region] ?? [:], after: after, years: years, k: k)
                    #expect(versions.small.isEmpty, "\(name): \(versions)")
                    #expect(region == DemoData.organisations[0].id || versions.attempts > 1_000, "\(versions)")
                    print("two versions of the release of \(name): \(versions); the second version alone: \(within)")
                }
            }
        }
    }
}
