import Foundation
import ProtocolLibrary
import Testing

@testable import Reporting

/// Quantiles from the minute histograms, funnel limits, and the indicator file.
@Suite struct ReportArithmeticTests {
    @Test func quantilesMatchPercentileCont() {
        var histogram = MinuteHistogram()
        for minutes in [20, 25, 25, 31, 40, 47, 60, 75] { histogram.add(minutes: minutes, episodes: 1) }
        // percentile_cont(0.5) of the eight values: (31 + 40) / 2.
        #expect(histogram.quantile(0.5) == 35.5)
        #expect(histogram.quantile(0.25) == 25)
        #expect(histogram.quantile(0.75) == 50.25)
        #expect(histogram.share(within: 60) == 7.0 / 8)
        #expect(histogram.share(within: 45) == 5.0 / 8)
        var long = MinuteHistogram()
        long.add(minutes: 240, episodes: 1)  // a 10-minute bin: 240-249
        #expect(long.quantile(0.5) == 244.5 && long.share(within: 245) == 0 && long.share(within: 249) == 1)
        #expect(MinuteHistogram().quantile(0.5) == nil)
    }

    @Test func funnelLimitsNarrowWithVolume() {
        #expect(abs(FunnelLimits.z(coverage: 0.95) - 1.959964) < 1e-5)
        #expect(abs(FunnelLimits.z(coverage: 0.998) - 3.090232) < 1e-5)
        let small = FunnelLimits.limits(proportion: 0.2, volume: 25, coverage: 0.95)
        let large = FunnelLimits.limits(proportion: 0.2, volume: 2_500, coverage: 0.95)
        #expect(abs(small.lower - (0.2 - 1.959964 * 0.08)) < 1e-5 && large.upper - large.lower < (small.upper - small.lower) / 9)
    }

    @Test func theIndicatorFileIsCompleteAndChecked() throws {
        let library = try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath)))
        let catalogue = try library.indicators()
        let ids = Set(catalogue.indicators.map(\.id))
        #expect(
            ids.isSuperset(of: [
                "onset_to_door", "door_to_imaging", "door_to_needle", "dtn_within_60", "dtn_within_45", "door_to_groin", "ivt_rate",
                "evt_rate", "mrs_90_distribution", "mrs_90_mean", "mortality_90",
            ]))
        #expect(catalogue.indicators.first { $0.id == "dtn_within_60" }?.target?.value == 85)
        #expect(catalogue.disclosure.defaultK == 10)
        var broken = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: library.url(.indicators))) as? [String: Any])
        var indicators = try #require(broken["indicators"] as? [[String: Any]])
        indicators[0]["measure"] = "door_to_coffee"
        broken["indicators"] = indicators
        #expect(throws: ReportInputError.self) { try IndicatorCatalogue.decode(JSONSerialization.data(withJSONObject: broken)) }
    }

    /// A report whose every value is withheld publishes no funnel either (its overall
    /// proportion would be the withheld total's), and every withheld value gives one reason.
    @Test func aWithheldTotalDrawsNoFunnel() throws {
        let builder = RegionalReportBuilder(catalogue: try Self.catalogue(), k: 10)
        var few = ReportCounts()
        (few.episodes, few.ischaemic, few.ivtIschaemic, few.followedUp) = (4, 4, 2, 3)
        let tables = builder.tables(rows: ["H1"], periods: ["2026"], counts: [[few]])
        let rate = try #require(tables.first { $0.indicator.id == "ivt_rate" })
        #expect(rate.total.suppressed == true && rate.funnel == nil)
        let acute = tables.filter { $0.indicator.population.cohort == .acute }
        #expect(acute.allSatisfy { $0.total.suppressed == true })
        #expect(Set(tables.flatMap { [$0.total.reason] + $0.rowTotals.map(\.reason) }.compactMap { $0 }).count == 1)
    }

    /// A small rehab cohort withholds rehab values only: the acute totals of the same periods
    /// are published (the cohorts are counted apart, none a part of another). Utilisation is
    /// withheld with every total that holds a month of few patients.
    @Test func eachCohortWithholdsItsOwnPattern() throws {
        let builder = RegionalReportBuilder(catalogue: try Self.catalogue(), k: 10)
        func hospital(_ episodes: Int) -> ReportCounts {
            var counts = ReportCounts()
            (counts.episodes, counts.ischaemic, counts.ivtIschaemic) = (episodes, episodes, episodes / 5)
            return counts
        }
        func clinic(_ stays: Int) -> ReportCounts {
            var counts = ReportCounts()
            (counts.stays, counts.staysBooked, counts.patientDays, counts.places, counts.noShow) = (stays, stays, 20 * stays, 30 * stays, stays)
            counts.utilisation["pools"] = .init(available: 1_000, used: Double(10 * stays), fewestPatients: stays)
            counts.utilisation["rooms"] = .init(available: 1_000, used: 0)
            return counts
        }
        let tables = builder.tables(rows: ["H1", "C1"], periods: ["2025", "2026"], counts: [[hospital(50), hospital(60)], [clinic(3), clinic(30)]])
        let ivt = try #require(tables.first { $0.indicator.id == "ivt_rate" })
        #expect(ivt.periodTotals.allSatisfy { $0.suppressed == nil } && ivt.total.suppressed == nil)
        let noShow = try #require(tables.first { $0.indicator.id == "missed_no_show" })
        #expect(noShow.cells[1][0].suppressed == true && noShow.periodTotals[0].suppressed == true, "three stays: withheld, and the period's total with them")
        #expect(noShow.cells[1][1].suppressed == true && noShow.rowTotals[1].suppressed == nil, "the other year goes too, so the clinic's total is safe")
        let pools = try #require(tables.first { $0.indicator.id == "utilisation_pools" })
        #expect(pools.cells[1][0].suppressed == true && pools.cells[1][1].value == 30, "a month of three pool patients is withheld, one of thirty is not")
        #expect(
            pools.rowTotals[1].suppressed == true && pools.periodTotals[0].suppressed == true && pools.total.suppressed == true,
            "nor is any total that holds the small month")
        let rooms = try #require(tables.first { $0.indicator.id == "utilisation_rooms" })
        #expect(rooms.total.value == 0 && rooms.total.suppressed == nil, "unused rooms rest on no patients")
    }

    /// A median is published only from a histogram holding exactly the patients the cells
    /// count: the cells' count is what the suppression protects.
    @Test func aHistogramOfOtherPatientsIsNotPublished() throws {
        let builder = RegionalReportBuilder(catalogue: try Self.catalogue(), k: 10)
        var counts = ReportCounts()
        (counts.episodes, counts.known["door_to_imaging"]) = (40, 30)
        for minutes in [10, 20, 30] { counts.histograms["door_to_imaging", default: MinuteHistogram()].add(minutes: minutes, episodes: 1) }
        let imaging = try #require(builder.tables(rows: ["H1"], periods: ["2026"], counts: [[counts]]).first { $0.indicator.id == "door_to_imaging" })
        #expect(imaging.total.suppressed == true, "three of the thirty counted")
        counts.histograms["door_to_imaging"]?.add(minutes: 25, episodes: 27)
        let matching = try #require(builder.tables(rows: ["H1"], periods: ["2026"], counts: [[counts]]).first { $0.indicator.id == "door_to_imaging" })
        #expect(matching.total.value == 25 && matching.total.n == 30)
    }

    static func catalogue() throws -> IndicatorCatalogue {
        try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).indicators()
    }
}
