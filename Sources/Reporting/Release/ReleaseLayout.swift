/// The shape of a release: the months it covers and the two-way subtables its cells make.
///
/// A cell belongs to every subtable it appears in (the region's year is a total of the units'
/// year table and of every stratum table), so protecting the release protects the subtables
/// together. Every subtable's columns must split its total period: the months the total covers
/// are the months its columns cover, each once.
///
/// A year only partly covered (the release starts in March) still has its quarters and months,
/// but only those that hold covered months: a year's or quarter's cell is the sum of the months
/// it covers, and a range of months is published against those months only
/// (`Release.rangeTotal(row:months:)`).
public struct ReleaseLayout: Sendable {
    /// The covered months, in order.
    public let months: [ReleaseMonth]
    public let subtables: [ReleaseSubtable]
    /// Every cell of every subtable, in order.
    public let cells: [ReleaseCell]
    /// The cells that are no line's total: the counts given for a release are of these.
    public let leaves: Set<ReleaseCell>
    /// A line for every cell that is a total, in an order in which each line's parts come
    /// before it is used, to derive totals from the leaves.
    let derivation: [ReleaseLine]
    /// Every line of every subtable.
    let lines: [ReleaseLine]

    /// A layout of the given subtables over `months`.
    /// - Throws: `ReleaseError.Code.layout` when a subtable repeats a row or period, names a
    ///   period outside the months, has columns that do not split its total period, or when
    ///   the totals cannot all be derived from the leaves.
    public init(months: [ReleaseMonth], subtables: [ReleaseSubtable]) throws {
        self.months = Array(Set(months)).sorted()
        self.subtables = subtables
        let covered = self.months
        func monthsOf(_ period: ReleasePeriod) -> [ReleaseMonth] { covered.filter(period.contains) }
        for subtable in subtables {
            let rows = Set(subtable.rows + [subtable.totalRow])
            let columns = Set(subtable.columns + [subtable.totalColumn])
            guard !subtable.rows.isEmpty, !subtable.columns.isEmpty, rows.count == subtable.rows.count + 1,
                columns.count == subtable.columns.count + 1
            else { throw ReleaseError(.layout, "a subtable of \(subtable.totalRow) by \(subtable.totalColumn) repeats a row or period, or is empty") }
            let parts = subtable.columns.flatMap(monthsOf)
            guard subtable.columns.allSatisfy({ !monthsOf($0).isEmpty }), parts.count == Set(parts).count,
                Set(parts) == Set(monthsOf(subtable.totalColumn))
            else { throw ReleaseError(.layout, "the periods of \(subtable.totalRow) by \(subtable.totalColumn) do not split it into covered months") }
        }
        lines = subtables.flatMap(\.lines)
        cells = Array(Set(subtables.flatMap { subtable in subtable.entries.map(subtable.cell) })).sorted()
        let totals = Set(lines.map(\.total))
        leaves = Set(cells).subtracting(totals)
        var known = leaves
        var derivation: [ReleaseLine] = []
        var pending = lines
        while !pending.isEmpty {
            let ready = pending.filter { line in !known.contains(line.total) && line.parts.allSatisfy(known.contains) }
            guard !ready.isEmpty else { throw ReleaseError(.layout, "some totals are not sums of cells that can be counted") }
            for line in ready where !known.contains(line.total) {
                derivation.append(line)
                known.insert(line.total)
            }
            pending.removeAll { known.contains($0.total) }
        }
        self.derivation = derivation
    }

    /// The regional layout: `units` by month, quarter and year with the region (`totalRow`) as
    /// their total, and each list of `strata` (the values of one stratification, such as
    /// `sex=female` and `sex=male`, together making up the region) by year, sharing the
    /// region's year and overall cells with the units.
    ///
    /// Subtables: units × years with the total `all`; for each year, units × its quarters with
    /// the year as total; for each quarter, units × its months with the quarter as total; for
    /// each stratification, its values × years with the total `all`.
    /// - Throws: `ReleaseError.Code.layout` when the months are empty or a row name is repeated.
    public static func regional(months: [ReleaseMonth], units: [String], strata: [[String]] = [], totalRow: String = "region") throws -> ReleaseLayout {
        let covered = Array(Set(months)).sorted()
        let names = units + strata.flatMap { $0 } + [totalRow]
        guard !covered.isEmpty, Set(names).count == names.count else {
            throw ReleaseError(.layout, "a regional release needs months and rows named once each")
        }
        let years = Array(Set(covered.map(\.year))).sorted()
        var subtables = [ReleaseSubtable(rows: units, totalRow: totalRow, columns: years.map(ReleasePeriod.year), totalColumn: .all)]
        for year in years {
            let quarters = Array(Set(covered.filter { $0.year == year }.map(\.quarter))).sorted()
            subtables.append(
                ReleaseSubtable(
                    rows: units, totalRow: totalRow, columns: quarters.map { .quarter(year: year, quarter: $0) }, totalColumn: .year(year)))
            for quarter in quarters {
                subtables.append(
                    ReleaseSubtable(
                        rows: units, totalRow: totalRow, columns: covered.filter { $0.year == year && $0.quarter == quarter }.map(ReleasePeriod.month),
                        totalColumn: .quarter(year: year, quarter: quarter)))
            }
        }
        for values in strata {
            subtables.append(ReleaseSubtable(rows: values, totalRow: totalRow, columns: years.map(ReleasePeriod.year), totalColumn: .all))
        }
        return try ReleaseLayout(months: covered, subtables: subtables)
    }

    /// The covered months of a period.
    public func months(of period: ReleasePeriod) -> [ReleaseMonth] { months.filter(period.contains) }

    /// The periods one level below `period` that hold covered months.
    func children(of period: ReleasePeriod) -> [ReleasePeriod] {
        let below: [ReleasePeriod] =
            switch period {
            case .all: months.map { .year($0.year) }
            case .year(let year): months.filter { $0.year == year }.map { .quarter(year: year, quarter: $0.quarter) }
            case .quarter: months.filter(period.contains).map(ReleasePeriod.month)
            case .month: []
            }
        return Array(Set(below)).sorted()
    }

    /// Every cell's count from the counts of the leaves (a leaf not given counts 0); a total
    /// may be given too, and must then be the sum of its parts.
    /// - Throws: `ReleaseError.Code.counts` when a count is negative or names a cell the layout
    ///   does not have, or when a total disagrees with a sum of its parts (the units and a
    ///   stratification count different patients for the region).
    public func complete(_ given: [ReleaseCell: Int]) throws -> [ReleaseCell: Int] {
        let all = Set(cells)
        if let stray = given.first(where: { !all.contains($0.key) || $0.value < 0 }) {
            throw ReleaseError(.counts, "\(stray.key) is negative or not a cell of the release")
        }
        var counts = given.filter { leaves.contains($0.key) }
        for leaf in leaves where counts[leaf] == nil { counts[leaf] = 0 }
        for line in derivation { counts[line.total] = line.parts.reduce(0) { $0 + (counts[$1] ?? 0) } }
        if let total = given.first(where: { counts[$0.key] != $0.value }) {
            throw ReleaseError(.counts, "the count given for \(total.key) is not the sum of its parts")
        }
        for line in lines where counts[line.total] != line.parts.reduce(0, { $0 + (counts[$1] ?? 0) }) {
            throw ReleaseError(.counts, "\(line.total) is not the sum of \(line.parts.map(\.description).joined(separator: ", "))")
        }
        return counts
    }
}
