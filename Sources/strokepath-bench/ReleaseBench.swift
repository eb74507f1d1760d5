import ArgumentParser
import Clinical
import Dispatch
import Foundation
import Reporting

/// What a version of a region's release costs to protect as its history grows: a synthetic
/// region (hospitals by month over three years, four stratifications by year, three kinds),
/// then versions, each after a refresh that registers a few episodes late, protected against
/// every earlier version (docs/reporting.md, "Versions").
struct ReleaseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Times each new version of a synthetic region's release against all earlier ones; prints withheld shares."
    )

    @Option(help: "Hospitals in the region.") var hospitals = 12
    @Option(help: "Versions to publish.") var versions = 30
    @Option(help: "Episodes registered late before each new version.") var late = 6
    @Option(help: "The disclosure threshold.") var k = 10

    func run() async throws {
        var random = SeededRandom(seed: 17)
        let months = ReleaseMonth.through(ReleaseMonth(2024, 1), ReleaseMonth(2026, 12))
        let units = (1...hospitals).map { String(format: "H%02d", $0) }
        let strata = [
            ["sex=female", "sex=male"], ["age_band=0", "age_band=1", "age_band=2", "age_band=3"],
            ["stroke_type=ischaemic", "stroke_type=haemorrhagic", "stroke_type=tia"], ["severity_band=0", "severity_band=1", "severity_band=2"],
        ]
        let kinds = ["episodes", "followed_up", "interval_known"]
        let layout = try ReleaseLayout.regional(months: months, units: units, strata: strata)
        var counts = Dictionary(uniqueKeysWithValues: kinds.map { ($0, [ReleaseCell: Int]()) })
        func register(_ unit: String, _ month: ReleaseMonth) {
            let cells = [ReleaseCell(unit, .month(month))] + strata.map { ReleaseCell($0[random.below($0.count)], .year(month.year)) }
            for kind in kinds where kind == "episodes" || random.unit() < 0.85 {
                for cell in cells { counts[kind, default: [:]][cell, default: 0] += 1 }
            }
        }
        for (index, unit) in units.enumerated() {
            // Monthly means from about 2 to 150 episodes.
            let mean = 2 * pow(75, Double(index) / Double(max(1, hospitals - 1)))
            for month in months {
                for _ in 0..<Int((mean * (0.7 + 0.6 * random.unit())).rounded()) { register(unit, month) }
            }
        }
        var faces: [PublishedRelease] = []
        var times: [Double] = []
        for version in 1...max(1, versions) {
            if version > 1 {
                for _ in 0..<late { register(units[random.below(units.count)], months[random.below(months.count)]) }
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let release = try Release(layout: layout, counts: counts, k: k, earlier: faces)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            faces.append(PublishedRelease(release))
            if [1, 2, 10, versions].contains(version) {
                report(
                    String(
                        format: "version %d (%d earlier): %.0f ms; withheld %d of %d cells", version, version - 1, times[version - 1], release.withheld.count,
                        layout.cells.count))
            }
        }
        report(String(format: "%d versions of a %d-hospital region: %.1f s in all", versions, hospitals, times.reduce(0, +) / 1e3))
    }
}
