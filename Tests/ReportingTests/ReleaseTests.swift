import Foundation
import Testing

@testable import Reporting

/// The fixed release (docs/reporting.md, "Fixed release"): its periods and layout, and that
/// neither an exact attacker nor the security review's subtraction gets a withheld value or a
/// line's group of withheld cells of 1 to k − 1 out of it.
///
/// Figures with seeds 1–24 and k = 10 (24 random regions, 8,869 cells): 3,967 cells withheld,
/// none determined, no line's withheld sum determined; the review's attack had its three
/// range totals published 1,933 times and recovered no withheld month. Without the line rule
/// 231 lines' withheld sums are 1 to k − 1 and known; subtables protected each on its own leak
/// 209 such sums and let 3 withheld cells be solved for; the old per-report protection lets
/// the review's attack recover 1,106 small hospital-months. Published: 2,113 of 5,050
/// hospital-months (2,393 are not small), 312 of 470 hospital-years, all 678 region-months.
@Suite struct ReleaseTests {
    static let k = 10
    static let seeds: ClosedRange<UInt64> = 1...24

    @Test func periodsNameAndOrderThemselves() {
        let march = ReleaseMonth(2024, 3)
        #expect(march.description == "2024-03" && march.quarter == 1 && ReleaseMonth(2024, 12).next == ReleaseMonth(2025, 1))
        let periods: [ReleasePeriod] = [.month(march), .quarter(year: 2024, quarter: 1), .year(2024), .all, .month(ReleaseMonth(2024, 1))]
        #expect(periods.sorted().map(\.description) == ["all", "2024", "2024-Q1", "2024-01", "2024-03"])
        #expect(ReleasePeriod.month(march).parent == .quarter(year: 2024, quarter: 1) && ReleasePeriod.year(2024).parent == .all)
        #expect(ReleasePeriod.quarter(year: 2024, quarter: 1).contains(march) && !ReleasePeriod.year(2025).contains(march))
    }

    /// A release from March 2024 to February 2025: 2024's first quarter is March alone, 2025
    /// has one quarter of two months, and each period counts the months it covers.
    @Test func aPartialYearHasOnlyThePeriodsItCovers() throws {
        let months = ReleaseMonth.through(ReleaseMonth(2024, 3), ReleaseMonth(2025, 2))
        let layout = try ReleaseLayout.regional(months: months, units: ["H1", "H2"])
        #expect(layout.subtables.map(\.totalColumn.description) == ["all", "2024", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025", "2025-Q1"])
        #expect(layout.subtables[2].columns == [.month(ReleaseMonth(2024, 3))])
        #expect(layout.subtables[6].columns == [.quarter(year: 2025, quarter: 1)])
        let counts = try layout.complete(Dictionary(uniqueKeysWithValues: months.map { (ReleaseCell("H1", .month($0)), $0.month) }))
        #expect(counts[ReleaseCell("H1", .quarter(year: 2024, quarter: 1))] == 3)
        #expect(counts[ReleaseCell("H1", .year(2025))] == 3 && counts[ReleaseCell("region", .all)] == (3...12).reduce(0, +) + 1 + 2)
        #expect(counts[ReleaseCell("H2", .all)] == 0)
    }

    /// The region's years are cells of the hospitals' table and of each stratum table at once,
    /// so the counts must agree on them.
    @Test func strataShareTheRegionsCells() throws {
        let months = ReleaseMonth.through(ReleaseMonth(2024, 1), ReleaseMonth(2024, 12))
        let layout = try ReleaseLayout.regional(months: months, units: ["H1", "H2"], strata: [["sex=female", "sex=male"]])
        #expect(layout.cells.filter { $0 == ReleaseCell("region", .year(2024)) }.count == 1)
        #expect(!layout.leaves.contains(ReleaseCell("region", .year(2024))) && layout.leaves.contains(ReleaseCell("sex=male", .year(2024))))
        var given = Dictionary(uniqueKeysWithValues: months.map { (ReleaseCell("H1", .month($0)), 10) })
        given[ReleaseCell("sex=female", .year(2024))] = 50
        given[ReleaseCell("sex=male", .year(2024))] = 70
        #expect(try layout.complete(given)[ReleaseCell("region", .all)] == 120)
        given[ReleaseCell("sex=male", .year(2024))] = 69
        #expect(throws: ReleaseError.self) { try layout.complete(given) }
        #expect(throws: ReleaseError.self) { try layout.complete([ReleaseCell("H9", .year(2024)): 1]) }
        #expect(throws: ReleaseError.self) { try ReleaseLayout.regional(months: months, units: ["H1", "region"]) }
    }

    /// A small first quarter is withheld with its months; January to September is then the
    /// published year less the published fourth quarter, and February to December is not given.
    @Test func aRangeTotalIsMadeOfPublishedCells() throws {
        let months = ReleaseMonth.through(ReleaseMonth(2024, 1), ReleaseMonth(2024, 12))
        let layout = try ReleaseLayout.regional(months: months, units: ["H1", "H2", "H3"])
        var episodes: [ReleaseCell: Int] = [:]
        for month in months {
            episodes[ReleaseCell("H1", .month(month))] = month.month <= 3 ? month.month : 20
            episodes[ReleaseCell("H2", .month(month))] = 30
            episodes[ReleaseCell("H3", .month(month))] = 40
        }
        let release = try Release(layout: layout, counts: ["episodes": episodes], k: Self.k)
        #expect(release.reason(ReleaseCell("H1", .quarter(year: 2024, quarter: 1))) == .smallCell)
        #expect(release.reason(ReleaseCell("H1", .month(ReleaseMonth(2024, 2)))) == .smallCell)
        let range = ReleaseMonth(2024, 1)...ReleaseMonth(2024, 9)
        let total = release.rangeTotal(row: "H1", months: range)
        #expect(total == ReleaseRangeTotal(added: [ReleaseCell("H1", .year(2024))], subtracted: [ReleaseCell("H1", .quarter(year: 2024, quarter: 4))]))
        #expect(total?.value("episodes", in: release) == 1 + 2 + 3 + 6 * 20)
        #expect(!release.rangeTotalIsPublished(row: "H1", months: ReleaseMonth(2024, 2)...ReleaseMonth(2024, 12)))
        #expect(!release.rangeTotalIsPublished(row: "H2", months: ReleaseMonth(2023, 12)...ReleaseMonth(2024, 3)), "a month not covered")
        #expect(release.rangeTotal(row: "region", months: range)?.value("episodes", in: release) == 126 + 9 * 70)
    }

    /// Every range total the release gives, for every row and every range of months of some
    /// random regions, is made of published cells of its row and is the true total.
    @Test func everyRangeTotalIsTrue() throws {
        var given = 0
        var differences = 0
        for seed in 1...4 as ClosedRange<UInt64> {
            let region = try RandomRegion(seed: seed)
            let release = try Release(layout: region.layout, counts: region.counts, k: Self.k)
            let months = region.layout.months
            for row in region.units + ["region"] + RandomRegion.strata.flatMap({ $0 }) {
                for (start, first) in months.enumerated() {
                    for last in months[start...] {
                        guard let total = release.rangeTotal(row: row, months: first...last) else { continue }
                        given += 1
                        if !total.subtracted.isEmpty { differences += 1 }
                        #expect((total.added + total.subtracted).allSatisfy { $0.row == row && release.isPublished($0) })
                        for (kind, counts) in release.counts {
                            #expect(
                                total.value(kind, in: release) == Self.truth(counts, row: row, months: first...last, layout: region.layout),
                                "\(row) \(first)...\(last)")
                        }
                    }
                }
            }
        }
        #expect(given > 1_000 && differences > 10, "\(given) range totals given, \(differences) as differences")
    }

    /// A row's true total over a range: its months' counts, or for a row counted by year (a
    /// stratum) its counts of the years the range covers (nil when it splits one).
    static func truth(_ counts: [ReleaseCell: Int], row: String, months: ClosedRange<ReleaseMonth>, layout: ReleaseLayout) -> Int? {
        let inside = layout.months.filter(months.contains)
        guard let first = inside.first else { return 0 }
        if counts[ReleaseCell(row, .month(first))] != nil { return inside.reduce(0) { $0 + (counts[ReleaseCell(row, .month($1))] ?? 0) } }
        let years = Set(inside.map(\.year))
        guard years.allSatisfy({ layout.months(of: .year($0)).allSatisfy(months.contains) }) else { return nil }
        return years.reduce(0) { $0 + (counts[ReleaseCell(row, .year($1))] ?? 0) }
    }

    /// The exact attacker finds no withheld cell, and no line's withheld sum, of 1 to k − 1 in
    /// any kind; in fact no withheld cell at all. Every small cell is withheld in every kind.
    @Test func noWithheldValueCanBeWorkedOut() throws {
        var figures = ReleaseFigures()
        for seed in Self.seeds {
            let region = try RandomRegion(seed: seed)
            let release = try Release(layout: region.layout, counts: region.counts, k: Self.k)
            figures.add(release, units: region.units)
            for counts in release.counts.values {
                #expect(counts.allSatisfy { !(1..<Self.k).contains($0.value) || release.reason($0.key) == .smallCell }, "seed \(seed)")
            }
        }
        #expect(figures.releases == Self.seeds.count && figures.withheld > 1_000, "\(figures)")
        #expect(figures.determined == 0 && figures.determinedSmall == 0 && figures.lineSumsSmall == 0 && figures.wrongValues == 0, "\(figures)")
        #expect(figures.unitMonths.published * 10 > figures.unitMonths.of * 3 && figures.regionMonths.published == figures.regionMonths.of, "\(figures)")
    }

    /// The security review's attack (§2.8): a year's total less the months before and after a
    /// month, with range totals only where the release gives them, recovers no withheld month.
    @Test func theReviewsAttackRecoversNothing() throws {
        var figures = ReleaseFigures()
        for seed in Self.seeds {
            let region = try RandomRegion(seed: seed)
            figures.add(try Release(layout: region.layout, counts: region.counts, k: Self.k), units: region.units)
        }
        #expect(figures.attackAttempts > 1_000 && figures.attackRecovered == 0 && figures.attackRecoveredSmall == 0, "\(figures)")
    }

    /// The checks can fail: each protection left out leaks in these regions. Reports protected
    /// each on their own (as before) fall to the review's attack; without the line rule, or
    /// with each subtable protected on its own, groups of 1 to k − 1 withheld patients are
    /// known; with the small cells alone withheld the attacker solves for them.
    @Test func withoutTheNewRulesTheRegionsLeak() throws {
        var perReport = 0
        var withoutLineRule = ReleaseFigures()
        var unlinked = ReleaseFigures()
        var primaryOnly = ReleaseFigures()
        for seed in Self.seeds {
            let region = try RandomRegion(seed: seed)
            perReport += ReleaseFigures.perReportAttack(region, k: Self.k).recoveredSmall
            func release(_ rules: Release.Rules) throws -> Release { try Release(layout: region.layout, counts: region.counts, k: Self.k, rules: rules) }
            withoutLineRule.add(try release(.init(lineRule: false)), units: region.units)
            unlinked.add(try release(.init(linked: false, lineRule: false)), units: region.units)
            primaryOnly.add(try release(.init(complementary: false)), units: region.units)
        }
        #expect(perReport > 0, "per report: \(perReport) small hospital-months recovered")
        #expect(withoutLineRule.lineSumsSmall > 0, "without the line rule: \(withoutLineRule)")
        #expect(unlinked.leaks > 0, "subtables on their own: \(unlinked)")
        #expect(primaryOnly.determinedSmall > 0 && primaryOnly.attackRecoveredSmall > 0 && primaryOnly.wrongValues == 0, "small cells alone: \(primaryOnly)")
    }

    /// A table whose region has no release publishes nothing of that cohort: the entries fail
    /// closed rather than fall back to the table's own protection.
    @Test func withoutAReleaseEveryEntryIsWithheld() {
        let entries = ReleasedEntries(releases: [:])
        let months = ReleaseMonth(2025, 1)...ReleaseMonth(2025, 12)
        let source = ReleasedEntries.Source(region: "r", row: "h")
        let withheld = entries.unreleased(rows: [[source], [source]], total: [source], periods: [months, months], cohorts: [.acute])
        #expect(withheld[.acute]?.count == 9, "two rows by two periods with their totals")
    }
}
