import Foundation
@testable import Reporting
import Testing

/// The indicator file after the clinical review of 2026-12 (§2.6): current targets, their
/// programmes named, approximate comparisons and caveats said, mortality over every episode.
@Suite struct IndicatorReviewTests {
    static func catalogue() throws -> IndicatorCatalogue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/indicators/indicators.json")
        return try IndicatorCatalogue.decode(Data(contentsOf: url))
    }

    static func indicator(_ id: String) throws -> IndicatorCatalogue.Indicator {
        try #require(try catalogue().indicators.first { $0.id == id }, "\(id) is defined")
    }

    /// I1: Target: Stroke Phase III — DTN ≤60 in ≥85 %, ≤45 in ≥75 %, the new ≤30 in ≥50 %,
    /// door to device ≤90 min in ≥50 % — cited to the AHA's 2019 Phase III release.
    @Test func I1_targetStrokePhaseIII() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.version == "indicators-2026.12.1")
        let phase3 = try #require(catalogue.sources.first { $0.id == "gwtg-target-stroke" })
        #expect(phase3.citation.contains("Phase III") && !phase3.citation.contains("Phase II:") && phase3.citation.contains("2019"))
        for (id, threshold, target) in [("dtn_within_60", 60, 85.0), ("dtn_within_45", 45, 75), ("dtn_within_30", 30, 50), ("dtg_within_90", 90, 50)] {
            let indicator = try Self.indicator(id)
            #expect(indicator.kind == .shareWithin && indicator.thresholds == [threshold] && indicator.target?.value == target, "\(id)")
            #expect(indicator.target?.note.contains("Phase III") == true && indicator.target?.sources.contains("gwtg-target-stroke") == true, "\(id)")
        }
        #expect(try Self.indicator("dtn_within_30").population == .ivt && (try Self.indicator("dtg_within_90")).population == .evt)
        let needle = try Self.indicator("door_to_needle")
        #expect(needle.target?.value == 85 && needle.thresholds == [60, 45, 30])
        #expect(try Self.indicator("door_to_groin").target?.note.contains("60 minutes (transfers)") == true)
    }

    /// I2: Riksstroke's 2015 levels are superseded (revised 2018 to Socialstyrelsen's 2018
    /// indicators): no target rests on them; the current levels are cited and the 2015 source
    /// says it is superseded.
    @Test func I2_riksstrokeTargetsAreTheCurrentLevels() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.indicators.allSatisfy { !($0.target?.sources.contains("riksstroke-2015") ?? false) }, "no target from the 2015 levels")
        let old = try #require(catalogue.sources.first { $0.id == "riksstroke-2015" })
        #expect(old.citation.contains("superseded in 2018"))
        let reperfusion = try Self.indicator("reperfusion_rate")
        #expect(reperfusion.target?.value == 20 && reperfusion.target?.sources == ["riksstroke-2019", "socialstyrelsen-2018"])
        #expect(reperfusion.target?.note.contains("replaced the 2015 levels") == true)
        #expect(try Self.indicator("follow_up_90").target?.sources == ["riksstroke-2019"])
        #expect(try Self.indicator("dtn_within_30").target?.note.contains("Riksstroke 2019 high level 50 %") == true)
        #expect(try Self.indicator("door_to_needle").readerNotes.contains { $0.contains("superseded in 2018") })
    }

    /// I3: the ESO Angels comparison is labelled approximate (Angels: strictly under 60 minutes,
    /// door to recanalisation including door to groin for thrombectomy only), in the output too.
    @Test func I3_angelsComparisonIsApproximate() throws {
        let within60 = try Self.indicator("dtn_within_60")
        let comparison = try #require(within60.comparison)
        #expect(comparison.contains("approximate") && comparison.contains("strictly under 60") && comparison.contains("door to groin"))
        #expect(within60.readerNotes.contains { $0.hasPrefix("Comparison:") && $0.contains("approximate") })
        #expect(try Self.catalogue().sources.first { $0.id == "eso-angels" }?.citation.contains("strictly under 60") == true)
    }

    /// I5: 90-day mortality over every episode (deaths known as mRS 6), not only those followed
    /// up, with the under-ascertainment and case-mix caveats in the indicator and its output.
    @Test func I5_mortalityOverAllEpisodesWithItsCaveats() throws {
        let catalogue = try Self.catalogue()
        let mortality = try Self.indicator("mortality_90")
        #expect(mortality.population == .allEpisodes)
        let caveat = try #require(mortality.caveat)
        #expect(caveat.contains("under-ascertained") && caveat.contains("case mix"))
        #expect(mortality.readerNotes.contains { $0.hasPrefix("Caveat:") })
        var counts = ReportCounts()
        (counts.episodes, counts.followedUp) = (40, 20)
        counts.mrs = [4, 4, 4, 2, 2, 0, 4]
        let value = RegionalReportBuilder(catalogue: catalogue, k: 10).value(mortality, counts)
        #expect(value.n == 40 && value.value == 10, "4 known deaths of 40 episodes, not of the 20 followed up")
    }
}
