import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Storage
import Testing

/// Clinical review 2026-12, I4: in-hospital-onset strokes leave the door intervals and are
/// counted apart; door to groin of direct arrivals and of transfers in indicators of their own
/// (Target: Stroke Phase III: 90 and 60 minutes in at least 50 %); every new count withheld as
/// the others are. Against `ReportFixture.loadArrivals`, computed by hand.
@Suite struct ArrivalModeReportTests {
    @Test func I4_inHospitalOnsetLeavesTheDoorIntervalsAndTransfersAreCountedApart() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.loadArrivals(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try ReportFixture.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                let planner = ReportFixture.arrivalPlanner
                #expect(try await reports.refresh(as: planner) == ReportRefresh(episodes: 31, stays: 0, recomputed: 31, whole: true, rehab: true))
                try await ReportFixture.refreshedInJune2027(database)
                // Over all time (the yearly cells) and by month (the monthly cells): the same values.
                for query in [ReportQuery(period: .all), ReportQuery(period: .month)] {
                    let report = try await reports.report(query, as: planner)
                    #expect(report.k == 5)
                    func table(_ id: String) throws -> IndicatorTable { try #require(report.tables.first { $0.indicator.id == id }, "\(id)") }
                    let centre = try #require(try table("door_to_needle").rows.firstIndex(of: "TESTA-CENTRE"))
                    func centreValue(_ id: String) throws -> ReportValue { try table(id).rowTotals[centre] }

                    // In-hospital onset is in neither door interval nor its population (nothing missing).
                    let needle = try centreValue("door_to_needle")
                    #expect(needle.n == 5 && needle.value == 40 && needle.missing == 0, "the thrombolysis of in-hospital onset left out: \(needle)")
                    #expect(try centreValue("dtn_within_30").value == 40)
                    let groin = try centreValue("door_to_groin")
                    #expect(groin.n == 17 && groin.value == 90 && groin.missing == 0, "direct, transfers and the five unrecorded; not in-hospital: \(groin)")
                    #expect(groin.within?["90"].map { abs($0 - 900.0 / 17) < 1e-9 } == true)

                    // Direct arrivals and transfers apart; the unrecorded arrival mode is in neither.
                    let direct = try centreValue("door_to_groin_direct")
                    #expect(direct.n == 6 && direct.value == 87.5 && direct.missing == 0, "\(direct)")
                    #expect(try centreValue("dtg_direct_within_90").value == 50)
                    let transfer = try centreValue("door_to_groin_transfer")
                    #expect(transfer.n == 6 && transfer.value == 60 && transfer.missing == 0, "\(transfer)")
                    #expect(try centreValue("dtg_transfer_within_60").value == 50)
                    #expect(try table("dtg_direct_within_90").indicator.target?.value == 50)
                    #expect(try table("dtg_transfer_within_60").indicator.target?.value == 50)

                    // In-hospital onset counted apart: 2 of the centre's 24 episodes.
                    let inHospital = try centreValue("in_hospital_onset")
                    #expect(inHospital.n == 24 && inHospital.value.map { abs($0 - 200.0 / 24) < 1e-9 } == true, "\(inHospital)")

                    // The small centre's two transfers are withheld, in the new tables and every acute
                    // one, and the companion with them (or the region's total would give them away).
                    let small = try #require(try table("dtg_transfer_within_60").rows.firstIndex(of: "TESTA-SMALL"))
                    let companion = try #require(try table("dtg_transfer_within_60").rows.firstIndex(of: "TESTA-COMPANION"))
                    for id in ["dtg_transfer_within_60", "door_to_groin_transfer", "door_to_groin", "in_hospital_onset", "evt_rate", "dtg_direct_within_90"] {
                        let withheld = try table(id)
                        #expect(
                            withheld.rowTotals[small].suppressed == true && withheld.rowTotals[small].value == nil && withheld.rowTotals[small].n == nil,
                            "\(id)")
                        #expect(withheld.rowTotals[companion].suppressed == true, "\(id): the companion")
                        #expect(withheld.cells[small].allSatisfy { $0.suppressed == true }, "\(id)")
                        #expect(withheld.rowTotals[centre].suppressed == nil, "\(id): the centre is published")
                    }
                    // The region's transfers: 13, ten within 60 minutes, median 50.
                    let region = try table("dtg_transfer_within_60").total
                    #expect(region.n == 13 && region.value.map { abs($0 - 1000.0 / 13) < 1e-9 } == true, "\(region)")
                    #expect(try table("door_to_groin_transfer").total.value == 50)
                    // Nothing published lets the withheld rows be told apart: only their sum (7, at least k).
                    let published = try table("door_to_groin_transfer")
                    #expect((published.total.n ?? 0) - (published.rowTotals[centre].n ?? 0) == 7)
                }
                // By stratum, the splits come from the histograms by region, stratum and year.
                let byType = try await reports.report(ReportQuery(period: .all, rows: .strokeType), as: planner)
                let direct = try #require(byType.tables.first { $0.indicator.id == "door_to_groin_direct" })
                let ischaemic = direct.rowTotals[try #require(direct.rows.firstIndex(of: "ischaemic"))]
                #expect(ischaemic.n == 6 && ischaemic.value == 87.5, "\(ischaemic)")
                let needle = try #require(byType.tables.first { $0.indicator.id == "door_to_needle" })
                #expect(needle.total.n == 5 && needle.total.value == 40, "no in-hospital onset by stratum either")
            }
        }
    }
}
