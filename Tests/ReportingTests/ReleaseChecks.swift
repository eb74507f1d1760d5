@testable import Reporting

/// What the exact attacker and the review's subtraction get out of releases, summed over them.
struct ReleaseFigures: CustomStringConvertible {
    var releases = 0
    var cells = 0
    var withheld = 0
    /// Withheld cells the published cells and the equations determine; those of 1 to k − 1 in
    /// some kind; determined values that differ from the truth (must be none: a check of the
    /// attacker).
    var determined = 0
    var determinedSmall = 0
    var wrongValues = 0
    /// Lines with withheld parts, and those whose withheld parts' sum is determined to be 1 to
    /// k − 1 in some kind.
    var linesWithWithheldParts = 0
    var lineSumsSmall = 0
    /// The review's attack: year − months before − months after, where the release gives the
    /// three range totals; how many of those land on a withheld month; of 1 to k − 1.
    var attackAttempts = 0
    var attackRecovered = 0
    var attackRecoveredSmall = 0
    /// Published unit-months, unit-years and region-months, of how many.
    var unitMonths = (published: 0, of: 0)
    var unitYears = (published: 0, of: 0)
    var regionMonths = (published: 0, of: 0)

    var leaks: Int { determinedSmall + lineSumsSmall + attackRecoveredSmall }

    var description: String {
        func share(_ count: (published: Int, of: Int)) -> String { "\(count.published)/\(count.of)" }
        return "\(releases) releases, \(withheld)/\(cells) cells withheld; determined \(determined) (\(determinedSmall) small, \(wrongValues) wrong); "
            + "line sums small \(lineSumsSmall) of \(linesWithWithheldParts) lines; attack \(attackAttempts) attempts, \(attackRecovered) withheld recovered, "
            + "\(attackRecoveredSmall) small; published unit-months \(share(unitMonths)), unit-years \(share(unitYears)), region-months \(share(regionMonths))"
    }

    /// Adds what an exact attacker and the review's attack get out of `release`.
    mutating func add(_ release: Release, units: [String]) {
        let k = release.k
        let kinds = release.counts.keys.sorted()
        func small(_ values: [String: Rational]) -> Bool { values.values.contains { $0.integer.map { (1..<k).contains($0) } ?? true } }
        releases += 1
        cells += release.layout.cells.count
        withheld += release.withheld.count
        let attacker = ReleaseAttacker(release)
        wrongValues += attacker.inconsistent
        for (unknown, values) in attacker.determined {
            determined += 1
            if small(values) { determinedSmall += 1 }
            if kinds.contains(where: { values[$0] != Rational(release.counts[$0]?[unknown.cell] ?? -1) }) { wrongValues += 1 }
        }
        for line in Set(release.layout.lines) {
            let hidden = line.parts.filter { release.withheld[$0] != nil }
            guard !hidden.isEmpty else { continue }
            linesWithWithheldParts += 1
            if let values = attacker.determinedSum(hidden), small(values) { lineSumsSmall += 1 }
        }
        attack(release, rows: units + ["region"])
        let years = Set(release.layout.months.map(\.year)).sorted()
        for unit in units {
            for month in release.layout.months { count(&unitMonths, release.isPublished(ReleaseCell(unit, .month(month)))) }
            for year in years { count(&unitYears, release.isPublished(ReleaseCell(unit, .year(year)))) }
        }
        for month in release.layout.months { count(&regionMonths, release.isPublished(ReleaseCell("region", .month(month)))) }
    }

    private func count(_ tally: inout (published: Int, of: Int), _ published: Bool) {
        tally.of += 1
        if published { tally.published += 1 }
    }

    /// The review's attack (security review 2026-12 §2.8) on the reports a release allows: for
    /// each row and month, the year's total less the months before and the months after, each
    /// a range total only where `rangeTotal` gives it.
    private mutating func attack(_ release: Release, rows: [String]) {
        let kinds = release.counts.keys.sorted()
        for row in rows {
            for month in release.layout.months {
                let year = release.layout.months(of: .year(month.year))
                guard let first = year.first, let last = year.last else { continue }
                let ranges = [first...last] + (month > first ? [first...previous(month, in: year)] : []) + (month < last ? [month.next...last] : [])
                let totals = ranges.map { release.rangeTotal(row: row, months: $0) }
                guard totals.allSatisfy({ $0 != nil }) else { continue }
                attackAttempts += 1
                let cell = ReleaseCell(row, .month(month))
                guard release.withheld[cell] != nil else { continue }
                attackRecovered += 1
                let recovered = kinds.map { kind in
                    totals.enumerated().reduce(0) { sum, total in sum + (total.offset == 0 ? 1 : -1) * (total.element?.value(kind, in: release) ?? 0) }
                }
                if recovered.contains(where: { (1..<release.k).contains($0) }) { attackRecoveredSmall += 1 }
            }
        }
    }

    private func previous(_ month: ReleaseMonth, in months: [ReleaseMonth]) -> ReleaseMonth {
        months.last { $0 < month } ?? month
    }
}

extension ReleaseFigures {
    /// The review's attack on reports protected each on its own, as before the release: per
    /// year, a report of hospitals by that year, and reports by month over the months before
    /// and after each month, each with its own joint pattern. Returns the attempts (three row
    /// totals published) and the months withheld in the year's monthly report with 1 to k − 1
    /// in some kind that the attack recovers.
    static func perReportAttack(_ region: RandomRegion, k: Int) -> (attempts: Int, recoveredSmall: Int) {
        let kinds = region.counts.keys.sorted()
        var attempts = 0
        var recovered = 0
        for year in Set(region.layout.months.map(\.year)).sorted() {
            let months = region.layout.months(of: .year(year))
            func pattern(_ periods: [ReleasePeriod]) -> Suppression.Pattern {
                let tables = kinds.map { kind in
                    region.units.map { unit in
                        periods.map { period in months.filter(period.contains).reduce(0) { $0 + (region.counts[kind]?[ReleaseCell(unit, .month($1))] ?? 0) } }
                    }
                }
                return Suppression.jointPattern(tables, k: k)
            }
            let yearReport = pattern([.year(year)])
            let monthReport = pattern(months.map(ReleasePeriod.month))
            for (index, month) in months.enumerated() {
                let before = index > 0 ? pattern(months[..<index].map(ReleasePeriod.month)) : nil
                let after = index + 1 < months.count ? pattern(months[(index + 1)...].map(ReleasePeriod.month)) : nil
                for (row, unit) in region.units.enumerated() {
                    guard yearReport.rowTotals[row] == nil, before?.rowTotals[row] == nil, after?.rowTotals[row] == nil else { continue }
                    attempts += 1
                    let counts = kinds.map { region.counts[$0]?[ReleaseCell(unit, .month(month))] ?? 0 }
                    if monthReport.cells[row][index] != nil && counts.contains(where: { (1..<k).contains($0) }) { recovered += 1 }
                }
            }
        }
        return (attempts, recovered)
    }
}
