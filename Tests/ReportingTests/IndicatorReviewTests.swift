import Foundation
import ProtocolLibrary
import Testing

@testable import Reporting

/// The indicator file after the clinical review of 2026-12 (§2.6): current targets, their
/// programmes named, approximate comparisons and caveats said, mortality over every episode.
@Suite struct IndicatorReviewTests {
    static func catalogue() throws -> IndicatorCatalogue {
        try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).indicators()
    }

    static func indicator(_ id: String) throws -> IndicatorCatalogue.Indicator {
        try #require(try catalogue().indicators.first { $0.id == id }, "\(id) is defined")
    }

    /// I1: Target: Stroke Phase III — DTN ≤60 in ≥85 %, ≤45 in ≥75 %, the new ≤30 in ≥50 %,
    /// door to device ≤90 min (direct arrivals) and ≤60 min (transfers) in ≥50 % — cited to the
    /// AHA's 2019 Phase III release (the door-to-device split since I4).
    @Test func I1_targetStrokePhaseIII() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.version == "indicators-2026.12.3")
        let phase3 = try #require(catalogue.sources.first { $0.id == "gwtg-target-stroke" })
        #expect(phase3.citation.contains("Phase III") && !phase3.citation.contains("Phase II:") && phase3.citation.contains("2019"))
        for (id, threshold, target) in [
            ("dtn_within_60", 60, 85.0), ("dtn_within_45", 45, 75), ("dtn_within_30", 30, 50), ("dtg_direct_within_90", 90, 50),
            ("dtg_transfer_within_60", 60, 50),
        ] {
            let indicator = try Self.indicator(id)
            #expect(indicator.kind == .shareWithin && indicator.thresholds == [threshold] && indicator.target?.value == target, "\(id)")
            #expect(indicator.target?.note.contains("Phase III") == true && indicator.target?.sources.contains("gwtg-target-stroke") == true, "\(id)")
        }
        #expect(try Self.indicator("dtn_within_30").population == .ivtArrivals && (try Self.indicator("dtg_direct_within_90")).population == .evtDirect)
        #expect(try Self.indicator("dtg_transfer_within_60").population == .evtTransfer)
        let needle = try Self.indicator("door_to_needle")
        #expect(needle.target?.value == 85 && needle.thresholds == [60, 45, 30])
        #expect(try Self.indicator("door_to_groin_direct").target?.note.contains("direct presenters") == true)
        #expect(try Self.indicator("door_to_groin").target == nil, "all arrivals: no programme's target is for them")
    }

    /// I4: door to needle and door to groin leave in-hospital onset out (their populations say
    /// so), door to groin is split into direct arrivals and transfers, in-hospital onset is a rate
    /// of its own; and a split's small count withholds the group in every acute table.
    @Test func I4_doorIntervalsByArrivalMode() throws {
        let catalogue = try Self.catalogue()
        #expect(!catalogue.indicators.contains { $0.id == "dtg_within_90" }, "replaced by the direct and transfer splits")
        for id in ["door_to_needle", "dtn_within_60", "dtn_within_45", "dtn_within_30"] {
            let indicator = try Self.indicator(id)
            #expect(indicator.population == .ivtArrivals && indicator.exclusions?.contains("in-hospital-onset") == true, "\(id)")
        }
        #expect(try Self.indicator("door_to_groin").population == .evtArrivals)
        for (id, population, measure) in [
            ("door_to_groin_direct", IndicatorCatalogue.Population.evtDirect, "door_to_groin_direct"),
            ("dtg_direct_within_90", .evtDirect, "door_to_groin_direct"),
            ("door_to_groin_transfer", .evtTransfer, "door_to_groin_transfer"),
            ("dtg_transfer_within_60", .evtTransfer, "door_to_groin_transfer"),
        ] {
            let indicator = try Self.indicator(id)
            #expect(indicator.population == population && indicator.measure == measure && population.cohort == .acute, "\(id)")
        }
        let inHospital = try Self.indicator("in_hospital_onset")
        #expect(inHospital.kind == .rate && inHospital.population == .allEpisodes && IndicatorCatalogue.rateNumerators["in_hospital_onset"] == "in_hospital")

        // A hospital with 40 episodes but 3 transfers punctured: withheld in every acute table,
        // with a companion so that the total cannot give it away.
        let builder = RegionalReportBuilder(catalogue: catalogue, k: 10)
        func hospital(episodes: Int, transfers: Int, inHospital: Int) -> ReportCounts {
            var counts = ReportCounts()
            (counts.episodes, counts.ischaemic, counts.evt, counts.evtArrivals, counts.evtTransfer, counts.inHospital) =
                (episodes, episodes, transfers, transfers, transfers, inHospital)
            counts.known["door_to_groin"] = transfers
            counts.known["door_to_groin_transfer"] = transfers
            for measure in ["door_to_groin", "door_to_groin_transfer"] {
                for minutes in 0..<transfers { counts.histograms[measure, default: MinuteHistogram()].add(minutes: 40 + minutes, episodes: 1) }
            }
            return counts
        }
        let counts = [
            [hospital(episodes: 200, transfers: 30, inHospital: 8)], [hospital(episodes: 40, transfers: 3, inHospital: 2)],
            [hospital(episodes: 60, transfers: 12, inHospital: 3)],
        ]
        let tables = builder.tables(rows: ["A", "B", "C"], periods: ["2026"], counts: counts)
        for table in tables where table.indicator.population.cohort == .acute {
            #expect(table.rowTotals[1].suppressed == true && table.rowTotals[2].suppressed == true, "\(table.indicator.id)")
            #expect(table.rowTotals[0].suppressed == nil && table.total.suppressed == nil, "\(table.indicator.id)")
        }
        let share = try #require(tables.first { $0.indicator.id == "in_hospital_onset" })
        #expect(share.rowTotals[0].n == 200 && share.rowTotals[0].value == 4)
    }

    /// I4: all arrivals less direct arrivals less transfers is the thrombectomies whose arrival
    /// mode was not recorded; one such patient must not be found by subtracting published cells.
    @Test func I4_theUnrecordedArrivalsCannotBeSubtractedOut() throws {
        let builder = RegionalReportBuilder(catalogue: try Self.catalogue(), k: 10)
        func hospital(direct: Int, transfers: Int, unrecorded: Int) -> ReportCounts {
            var counts = ReportCounts()
            let all = direct + transfers + unrecorded
            (counts.episodes, counts.ischaemic, counts.evt, counts.evtArrivals, counts.evtDirect, counts.evtTransfer) = (200, 200, all, all, direct, transfers)
            (counts.known["door_to_groin"], counts.known["door_to_groin_direct"], counts.known["door_to_groin_transfer"]) = (all, direct, transfers)
            for (measure, n) in [("door_to_groin", all), ("door_to_groin_direct", direct), ("door_to_groin_transfer", transfers)] {
                for minutes in 0..<n { counts.histograms[measure, default: MinuteHistogram()].add(minutes: 50 + minutes, episodes: 1) }
            }
            return counts
        }
        let counts = [
            [hospital(direct: 12, transfers: 12, unrecorded: 1)], [hospital(direct: 30, transfers: 20, unrecorded: 0)],
            [hospital(direct: 25, transfers: 15, unrecorded: 0)],
        ]
        let tables = builder.tables(rows: ["A", "B", "C"], periods: ["2026"], counts: counts)
        let direct = try #require(tables.first { $0.indicator.id == "door_to_groin_direct" })
        let all = try #require(tables.first { $0.indicator.id == "door_to_groin" })
        #expect(direct.rowTotals[0].suppressed == true && all.rowTotals[0].suppressed == true, "hospital A's lone unrecorded patient")
        // The region's remainder is that one patient too: its total (or a companion) is withheld with it.
        #expect(all.total.suppressed == true || all.rowTotals[1].suppressed == true || all.rowTotals[2].suppressed == true)
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
