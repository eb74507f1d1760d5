import Clinical
import Foundation
import Testing

@testable import Reporting

/// Versions of a release (docs/reporting.md, "Versions"): a later refresh that changes
/// published counts — late registrations, corrections — publishes a new version protected
/// against every earlier one. An exact attacker holding all versions learns no change of 1 to
/// k − 1 patients in any cell or in the withheld parts of any line, and no withheld value.
@Suite struct ReleaseVersionTests {
    static let k = 10
    static let seeds: ClosedRange<UInt64> = 1...12

    /// What an exact attacker holding every version gets out of them.
    struct VersionFigures: CustomStringConvertible {
        var pairs = 0
        /// Cells whose change between two versions the attacker knows; of those, changes of 1 to
        /// k − 1 either way (must be none).
        var changesKnown = 0
        var changesSmall = 0
        /// Lines with a part withheld in either version, and those whose withheld parts' change
        /// is known and 1 to k − 1 either way.
        var linesWithHiddenChange = 0
        var lineChangesSmall = 0
        /// Withheld cells of some version the versions together determine; of 1 to k − 1.
        var determined = 0
        var determinedSmall = 0
        /// Cells withheld and of how many, in the first and in the later versions.
        var withheldFirst = (withheld: 0, of: 0)
        var withheldLater = (withheld: 0, of: 0)

        var leaks: Int { changesSmall + lineChangesSmall + determinedSmall }

        var description: String {
            "\(pairs) pairs of versions; changes known \(changesKnown) (\(changesSmall) small); line changes small \(lineChangesSmall) of "
                + "\(linesWithHiddenChange); withheld determined \(determined) (\(determinedSmall) small); withheld cells: first versions "
                + "\(withheldFirst.withheld)/\(withheldFirst.of), later versions \(withheldLater.withheld)/\(withheldLater.of)"
        }

        mutating func add(versions: [Release]) {
            let k = ReleaseVersionTests.k
            func small(_ values: [String: Rational]) -> Bool { values.values.contains { $0.integer.map { (1..<k).contains(abs($0)) } ?? true } }
            let attacker = ReleaseAttacker(versions: versions)
            for (_, values) in attacker.determined {
                determined += 1
                if small(values) { determinedSmall += 1 }
            }
            withheldFirst.withheld += versions[0].withheld.count
            withheldFirst.of += versions[0].layout.cells.count
            for later in versions.dropFirst() {
                withheldLater.withheld += later.withheld.count
                withheldLater.of += later.layout.cells.count
            }
            typealias Unknown = ReleaseAttacker.Unknown
            for new in versions.indices.dropFirst() {
                for old in 0..<new {
                    pairs += 1
                    func change(_ cells: [ReleaseCell]) -> [String: Rational]? {
                        attacker.determinedValue(cells.flatMap { [(Unknown(version: new, cell: $0), .one), (Unknown(version: old, cell: $0), Rational(-1))] })
                    }
                    for cell in versions[new].layout.cells {
                        guard let values = change([cell]) else { continue }
                        changesKnown += 1
                        if small(values) { changesSmall += 1 }
                    }
                    for line in Set(versions[new].layout.lines) {
                        let hidden = line.parts.filter { versions[new].withheld[$0] != nil || versions[old].withheld[$0] != nil }
                        guard !hidden.isEmpty else { continue }
                        linesWithHiddenChange += 1
                        if let values = change(hidden), small(values) { lineChangesSmall += 1 }
                    }
                }
            }
        }
    }

    /// Late registrations one by one and a few corrections (changes of 1 to k − 1), and a batch
    /// of a whole month's late registrations: a new version protected against the first tells
    /// none of the small changes, nor anything the first withheld.
    @Test func aNewVersionTellsNoSmallChange() throws {
        var figures = VersionFigures()
        var unprotected = VersionFigures()
        for seed in Self.seeds {
            let region = try RandomRegion(seed: seed)
            let first = try Release(layout: region.layout, counts: region.counts, k: Self.k)
            let revised = region.revised(seed: seed &+ 1_000, late: 8, batch: 14, removed: 3)
            let second = try Release(layout: region.layout, counts: revised, k: Self.k, earlier: [PublishedRelease(first)])
            figures.add(versions: [first, second])
            unprotected.add(versions: [first, try Release(layout: region.layout, counts: revised, k: Self.k)])
        }
        #expect(figures.leaks == 0 && figures.changesKnown > 1_000, "\(figures)")
        // The check can fail: each release protected on its own tells small changes.
        #expect(unprotected.changesSmall > 0 && unprotected.leaks > 0, "without the earlier version: \(unprotected)")
        print("versions of a release: \(figures); each protected alone: \(unprotected)")
    }

    /// Three versions: the third is protected against both earlier ones, and no pair of the
    /// three tells a small change.
    @Test func everyPairOfThreeVersionsIsProtected() throws {
        var figures = VersionFigures()
        for seed in Self.seeds.prefix(6) {
            let region = try RandomRegion(seed: seed)
            let first = try Release(layout: region.layout, counts: region.counts, k: Self.k)
            let once = region.revised(seed: seed &+ 1_000, late: 5, batch: 12, removed: 1)
            let second = try Release(layout: region.layout, counts: once, k: Self.k, earlier: [PublishedRelease(first)])
            let twice = RandomRegion.revise(once, layout: region.layout, units: region.units, seed: seed &+ 2_000, late: 5, batch: 0, removed: 2)
            let third = try Release(layout: region.layout, counts: twice, k: Self.k, earlier: [PublishedRelease(first), PublishedRelease(second)])
            figures.add(versions: [first, second, third])
        }
        #expect(figures.pairs == 18 && figures.leaks == 0, "\(figures)")
    }

    /// An unchanged refresh publishes the same face; a stored face comes back whole from JSON
    /// and can be published again over the same counts, but not over others.
    @Test func aFaceIsKeptAndRepublished() throws {
        let region = try RandomRegion(seed: 3)
        let first = try Release(layout: region.layout, counts: region.counts, k: Self.k)
        let face = PublishedRelease(first)
        let again = try Release(layout: region.layout, counts: region.counts, k: Self.k, earlier: [face])
        #expect(PublishedRelease(again) == face, "nothing changed: nothing more is withheld")
        let decoded = try JSONDecoder().decode(PublishedRelease.self, from: try JSONEncoder().encode(face))
        #expect(decoded == face)
        let republished = try Release(layout: region.layout, counts: region.counts, republishing: decoded, earlier: [])
        #expect(PublishedRelease(republished) == face && republished.withheld == first.withheld)
        let revised = region.revised(seed: 5, late: 0, batch: 12, removed: 0)
        #expect(throws: ReleaseError.self) { try Release(layout: region.layout, counts: revised, republishing: decoded, earlier: []) }
        let second = try Release(layout: region.layout, counts: revised, k: Self.k, earlier: [face])
        let secondAgain = try Release(layout: region.layout, counts: revised, republishing: PublishedRelease(second), earlier: [face])
        #expect(secondAgain.withheld.keys.sorted() == second.withheld.keys.sorted(), "a later version is published again against the one before it")
        #expect(ReleaseCell(description: "sex=female 2024-Q3") == ReleaseCell("sex=female", .quarter(year: 2024, quarter: 3)))
        for bad in ["H1 2024-13", "H1", "H1 2024-+1", "H1 +024", "H1 2024-Q+", "H1 2024-01-01", ""] { #expect(ReleaseCell(description: bad) == nil, "\(bad)") }
    }

    /// A stored face that publishes more than protection allows — a small cell, or a cell
    /// whose change since the version before it is small — is not published again.
    @Test func aTamperedFaceIsRefused() throws {
        let region = try RandomRegion(seed: 4)
        let first = try Release(layout: region.layout, counts: region.counts, k: Self.k)
        let small = try #require(first.withheld.first { $0.value == .smallCell }?.key)
        let opened = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(PublishedRelease(first))) as? [String: Any]
        var face = try #require(opened)
        face["withheld"] = (face["withheld"] as? [String])?.filter { $0 != small.description }
        var values = face["values"] as? [String: [String: Int]] ?? [:]
        for kind in values.keys { values[kind]?[small.description] = first.counts[kind]?[small] }
        face["values"] = values
        let tampered = try JSONDecoder().decode(PublishedRelease.self, from: try JSONSerialization.data(withJSONObject: face))
        #expect(throws: ReleaseError.self) { try Release(layout: region.layout, counts: region.counts, republishing: tampered, earlier: []) }
        let revised = region.revised(seed: 9, late: 6, batch: 0, removed: 0)
        let unprotected = PublishedRelease(try Release(layout: region.layout, counts: revised, k: Self.k))
        #expect(throws: ReleaseError.self) {
            try Release(layout: region.layout, counts: revised, republishing: unprotected, earlier: [PublishedRelease(first)])
        }
    }

    /// A lower k later does not loosen what an earlier version protected: a change smaller
    /// than that version's k is withheld.
    @Test func aLowerKKeepsTheEarlierVersionsThreshold() throws {
        let region = try RandomRegion(seed: 5)
        let first = try Release(layout: region.layout, counts: region.counts, k: 10)
        let cell = try #require(region.layout.leaves.filter { $0.period != .all && first.isPublished($0) && $0.row.hasPrefix("H") }.sorted().first)
        guard case .month(let month) = cell.period else { return }
        // Seven more in one hospital-month (and the stratum-years with them, as a refresh counts them).
        var counts = region.counts
        for kind in counts.keys {
            for changed in [cell, ReleaseCell("sex=female", .year(month.year)), ReleaseCell("age<65", .year(month.year))] {
                counts[kind]?[changed, default: 0] += 7
            }
        }
        let lower = try Release(layout: region.layout, counts: counts, k: 5, earlier: [PublishedRelease(first)])
        #expect(lower.withheld[cell] != nil && lower.withheld[cell] != .smallCell, "a change of 7 since a version at k = 10")
    }

    /// A layout without a cell an earlier version published cannot be protected against it.
    @Test func aVersionCannotDropWhatAnEarlierOnePublished() throws {
        let region = try RandomRegion(seed: 6)
        let first = try Release(layout: region.layout, counts: region.counts, k: Self.k)
        let fewer = try ReleaseLayout.regional(months: region.layout.months, units: Array(region.units.dropLast()), strata: RandomRegion.strata)
        let dropped = region.units.last ?? ""
        let counts = region.counts.mapValues { $0.filter { $0.key.row != dropped } }
        #expect(throws: ReleaseError.self) { try Release(layout: fewer, counts: counts, k: Self.k, earlier: [PublishedRelease(first)]) }
    }
}

extension RandomRegion {
    /// The region's counts after a later refresh (see `revise`).
    func revised(seed: UInt64, late: Int, batch: Int, removed: Int) -> [String: [ReleaseCell: Int]] {
        Self.revise(counts, layout: layout, units: units, seed: seed, late: late, batch: batch, removed: removed)
    }

    /// `counts` after a later refresh: `late` patients registered late, each in a random
    /// hospital-month; `batch` more in one hospital-month; `removed` episodes taken out. Each
    /// patient counts in every kind, in a random sex and age band of the month's year.
    static func revise(
        _ counts: [String: [ReleaseCell: Int]], layout: ReleaseLayout, units: [String], seed: UInt64, late: Int, batch: Int, removed: Int
    ) -> [String: [ReleaseCell: Int]] {
        var random = SeededRandom(seed: seed)
        var counts = counts
        let months = layout.months
        func move(_ unit: String, _ month: ReleaseMonth, by change: Int) -> Bool {
            let year = ReleasePeriod.year(month.year)
            let choices = strata.map { values in values.map { ReleaseCell($0, year) } }
            let cells = [ReleaseCell(unit, .month(month))] + choices.map { cells in cells[random.below(cells.count)] }
            guard change > 0 || cells.allSatisfy({ cell in counts.values.allSatisfy { ($0[cell] ?? 0) > 0 } }) else { return false }
            for kind in counts.keys {
                for cell in cells { counts[kind, default: [:]][cell, default: 0] += change }
            }
            return true
        }
        for _ in 0..<late { _ = move(units[random.below(units.count)], months[random.below(months.count)], by: 1) }
        let (unit, month) = (units[random.below(units.count)], months[random.below(months.count)])
        for _ in 0..<batch { _ = move(unit, month, by: 1) }
        var taken = 0
        for _ in 0..<(removed * 50) where taken < removed {
            if move(units[random.below(units.count)], months[random.below(months.count)], by: -1) { taken += 1 }
        }
        return counts
    }
}
