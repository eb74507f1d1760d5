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
            guard let whole, parts.allSatisfy({ $0 != nil }) else { return }
            attempts += 1
            let rest = whole - parts.reduce(0) { $0 + ($1 ?? 0) }
            if (1..<k).contains(rest) { small.append("\(label) = \(rest)") }
        }
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
            }
        }
    }
}
