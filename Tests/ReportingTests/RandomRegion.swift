import Clinical
import Foundation

@testable import Reporting

/// A random region for release tests: 6 to 9 hospitals whose monthly means run from about 0.5
/// to 40 episodes, over 2 or 3 years of months (sometimes starting or ending mid-year), with
/// two or three linked kinds (episodes; ischaemic strokes; those followed up) and two
/// stratifications by year (sex; age band) that share the region's cells with the hospitals.
struct RandomRegion {
    let units: [String]
    let layout: ReleaseLayout
    /// By kind, the counts of the leaves: hospital × month and stratum value × year.
    let counts: [String: [ReleaseCell: Int]]

    static let strata = [["sex=female", "sex=male"], ["age<65", "age65-79", "age80+"]]

    init(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let unitCount = 6 + random.below(4)
        let years = 2 + random.below(2)
        let first = ReleaseMonth(2024, random.below(3) == 0 ? 2 + random.below(6) : 1)
        let last = ReleaseMonth(2023 + years, random.below(3) == 0 ? 6 + random.below(6) : 12)
        let months = ReleaseMonth.through(first, last)
        units = (1...unitCount).map { "H\($0)" }
        let kinds = ["episodes", "ischaemic"] + (random.below(2) == 0 ? ["followed_up"] : [])
        var counts = Dictionary(uniqueKeysWithValues: kinds.map { ($0, [ReleaseCell: Int]()) })
        for (index, unit) in units.enumerated() {
            let mean = 0.5 * pow(80, Double(index) / Double(unitCount - 1)) * (0.8 + 0.4 * random.unit())
            for month in months {
                for _ in 0..<Self.poisson(mean, &random) {
                    let sex = Self.strata[0][random.unit() < 0.47 ? 0 : 1]
                    let band = random.unit()
                    let age = Self.strata[1][band < 0.3 ? 0 : (band < 0.7 ? 1 : 2)]
                    let flags = ["episodes": true, "ischaemic": random.unit() < 0.85, "followed_up": random.unit() < 0.88]
                    for kind in kinds where flags[kind] == true {
                        for cell in [ReleaseCell(unit, .month(month)), ReleaseCell(sex, .year(month.year)), ReleaseCell(age, .year(month.year))] {
                            counts[kind, default: [:]][cell, default: 0] += 1
                        }
                    }
                }
            }
        }
        self.counts = counts
        layout = try ReleaseLayout.regional(months: months, units: units, strata: Self.strata)
    }

    /// A Poisson draw (Knuth's product of uniforms; means up to about 700).
    static func poisson(_ mean: Double, _ random: inout SeededRandom) -> Int {
        let limit = exp(-mean)
        var product = random.unit()
        var count = 0
        while product > limit {
            product *= random.unit()
            count += 1
        }
        return count
    }
}
