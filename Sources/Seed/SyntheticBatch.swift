import Foundation

/// One batch of a synthetic load: the COPY text of the patients and episodes numbered
/// `numbers`, and the generator after drawing them (the next batch starts from it, so that the
/// same seed gives the same data however the batches are drawn).
struct SyntheticBatch: Sendable {
    typealias Site = (id: UUID, region: Int, thrombectomy: Bool, speed: Double, propensity: Double)

    var patients: [UInt8] = []
    var episodes: [UInt8] = []
    var count: Int
    var generator: SyntheticGenerator

    /// Each episode at a site drawn by volume (`cumulative`: the sites' summed weights), in
    /// arrival order among the load's `total` episodes.
    init(_ numbers: Range<Int>, of total: Int, generator: SyntheticGenerator, prefix: String, sites: [Site], cumulative: [Double], end: Date) {
        self.generator = generator
        count = numbers.count
        let weight = cumulative.last ?? 1
        for number in numbers {
            let pick = self.generator.uniform() * weight
            let site = sites[cumulative.firstIndex { $0 > pick } ?? (sites.count - 1)]
            self.generator.episode(number: number, of: total, prefix: prefix, site: site, end: end, patients: &patients, episodes: &episodes)
        }
    }
}
