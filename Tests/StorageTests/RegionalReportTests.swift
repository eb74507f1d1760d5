import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Storage
import Testing

/// Regional reports on a small hand-computed region: each indicator's value, the episodes left
/// out for missing time stamps, small cells withheld; and the reporting role reads nothing but
/// the report cells.
@Suite struct RegionalReportTests {
    static let planner = ReportFixture.planner

    static func catalogue() throws -> IndicatorCatalogue { try ReportFixture.catalogue() }

    @Test func eachIndicatorAgainstAHandComputedRegion() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try Self.catalogue())
                #expect(try await reports.refresh(as: Self.planner) == 22)
                let report = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                #expect(report.k == 5 && report.asOf != nil)
                func table(_ id: String) throws -> IndicatorTable { try #require(report.tables.first { $0.indicator.id == id }) }
                let row = try #require(try table("ivt_rate").rows.firstIndex(of: "TESTR-BIG"))
                func big(_ id: String) throws -> ReportValue { try table(id).rowTotals[row] }
                #expect(try big("ivt_rate").n == 13 && abs((try big("ivt_rate").value ?? 0) - 700.0 / 13) < 1e-9)
                let dtn = try big("door_to_needle")
                #expect(dtn.n == 6 && dtn.value == 50 && dtn.q1 == 37.5 && dtn.q3 == 62.5 && dtn.missing == 1, "\(dtn)")
                #expect(dtn.within?["60"].map { abs($0 - 400.0 / 6) < 1e-9 } == true && dtn.within?["45"] == 50)
                #expect(try big("dtn_within_60").value.map { abs($0 - 400.0 / 6) < 1e-9 } == true)
                let onset = try big("onset_to_door")
                #expect(onset.n == 10 && onset.value == 60 && onset.missing == 3, "two without last known well, one without arrival")
                #expect(try big("door_to_imaging").value == 20)
                #expect(try big("follow_up_90").value.map { abs($0 - 800.0 / 13) < 1e-9 } == true)
                #expect(try big("mrs_90_distribution").shares == [12.5, 25, 12.5, 12.5, 12.5, 0, 25])
                #expect(try big("mrs_90_mean").value == 23.0 / 8)
                #expect(try big("mortality_90").value == 25)
                // The small hospital's three episodes are withheld everywhere, with the reason.
                let smallRow = try #require(try table("follow_up_90").rows.firstIndex(of: "TESTR-SMALL"))
                let withheld = try table("follow_up_90").rowTotals[smallRow]
                #expect(withheld.suppressed == true && withheld.value == nil && withheld.reason == "withheld: based on fewer than 5 patients, or would let such a value be worked out")
                #expect(try table("onset_to_door").rowTotals[smallRow].suppressed == true)
                let middleRow = try #require(try table("follow_up_90").rows.firstIndex(of: "TESTR-MIDDLE"))
                #expect(try table("follow_up_90").rowTotals[middleRow].suppressed == true,
                        "the middle hospital is withheld with it, or the region's total would give the small one away")
                // The funnel places the big hospital; the withheld one is not drawn.
                #expect(try table("ivt_rate").funnel?.points.map(\.row) == ["TESTR-BIG"], "the only hospital with ischaemic strokes")
                // An mRS assessment at day 90 counts as the 90-day mRS of an episode that has none.
                let ninth = try await database.withPool(.superuser) { pool in
                    try await pool.query("""
                        INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by)
                        SELECT organisation_id, patient_id, 'mRS', last_known_well + interval '91 days', 3, 'Follow-up nurse', 'test'
                        FROM stroke_episodes WHERE organisation_id = \(ReportFixture.big) AND mrs_90 IS NULL AND last_known_well IS NOT NULL
                        LIMIT 1 RETURNING 1
                        """).count
                }
                #expect(ninth == 1)
                _ = try await reports.refresh(as: Self.planner)
                let refollowed = try await reports.report(ReportQuery(period: .all), as: Self.planner).tables.first { $0.indicator.id == "follow_up_90" }
                #expect(refollowed?.rowTotals[row].value.map { abs($0 - 900.0 / 13) < 1e-9 } == true, "nine of thirteen followed up")
                let csv = ReportCSV.render(report.tables)
                #expect(csv.hasPrefix(ReportCSV.header) && csv.contains("follow_up_90,%,TESTR-SMALL,all,,,,,,true,\"withheld: based on fewer than 5 patients, or would let such a value be worked out\""))
            }
        }
    }

    @Test func theReportingRoleReadsOnlyTheCells() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                _ = try await RegionalReports(pool: pool, catalogue: try Self.catalogue()).refresh(as: Self.planner)
                for table in ["patients", "stroke_episodes", "audit_events", "acute_evaluations", "rehab_sessions", "rehab_participants",
                              "recovery_observations", "recovery_projections", "care_relationships"] {
                    await #expect {
                        try await pool.withAccess(Self.planner, readOnly: true) { connection in
                            try await connection.query("SET LOCAL ROLE strokepath_planner")
                            try await connection.query("SELECT count(*) FROM \(identifier: table)")
                        }
                    } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
                }
                let cells = try await pool.withAccess(Self.planner, readOnly: true) { connection in
                    try await connection.query("SET LOCAL ROLE strokepath_planner")
                    return try await connection.query("SELECT sum(episodes)::integer FROM report_cells").single().decode(Int.self, at: 0)
                }
                #expect(cells == 22)
                let other = AccessContext(subject: "planner", role: "planner", organisations: [UUID()])
                let none = try await pool.withAccess(other, readOnly: true) { connection in
                    try await connection.query("SET LOCAL ROLE strokepath_planner")
                    return try await connection.query("SELECT count(*)::integer FROM report_cells").single().decode(Int.self, at: 0)
                }
                #expect(none == 0, "another region's planner sees none of these cells")
            }
        }
    }
}
