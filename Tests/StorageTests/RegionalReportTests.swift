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
    static let region = UUID(uuidString: "7e570000-0000-4000-8000-000000000001") ?? UUID()
    static let big = UUID(uuidString: "7e570000-0000-4000-8000-000000000002") ?? UUID()
    static let small = UUID(uuidString: "7e570000-0000-4000-8000-000000000003") ?? UUID()
    static let middle = UUID(uuidString: "7e570000-0000-4000-8000-000000000004") ?? UUID()
    static let planner = AccessContext(subject: "planner", role: "planner", organisations: [region])

    static func catalogue() throws -> IndicatorCatalogue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/indicators/indicators.json")
        return try IndicatorCatalogue.decode(Data(contentsOf: url))
    }

    /// Thirteen ischaemic episodes at the big hospital in March 2026 — ten with onset 60 minutes
    /// before arrival, six thrombolysed 25–75 minutes after arrival, one more thrombolysed with no
    /// arrival time, eight followed up — three haemorrhagic ones at the small hospital, and six at
    /// a middle one (the cheapest companion when the small one is withheld: with the region's
    /// totals published, hiding the small hospital alone would not hide it).
    static func load(_ database: TestDatabase) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.query("""
                INSERT INTO organisations (id, parent_id, kind, code, name, report_min_cell) VALUES
                    (\(region), NULL, 'region', 'TESTR', 'Test region', 5),
                    (\(big), \(region), 'hospital', 'TESTR-BIG', 'Big hospital', 10),
                    (\(small), \(region), 'hospital', 'TESTR-SMALL', 'Small hospital', 10),
                    (\(middle), \(region), 'hospital', 'TESTR-MIDDLE', 'Middle hospital', 10)
                """)
            let arrival = try #require(try? Date("2026-03-10T10:00:00Z", strategy: .iso8601))
            let needles: [Double?] = [25, 35, 45, 55, 65, 75, nil, nil, nil, nil, nil, nil]
            let grades: [Int?] = [0, 1, 1, 2, 3, 4, 6, nil, nil, nil, nil, nil]
            for index in 0..<12 {
                let patient = UUID()
                try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), \("B\(index)"), 1950, 'female')")
                try await pool.query("""
                    INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, needle_at, nihss_at_arrival, mrs_90)
                    VALUES (\(big), \(patient), 'ischaemic', \(index < 10 ? arrival - 3_600 : nil), \(arrival), \(arrival + 1_200),
                            \(needles[index].map { arrival + $0 * 60 }), 8, \(grades[index]))
                    """)
            }
            let patient = UUID()
            try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), 'B12', 1950, 'male')")
            try await pool.query("""
                INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, needle_at, mrs_90)
                VALUES (\(big), \(patient), 'ischaemic', \(arrival + 86_400), \(arrival + 86_400 + 6_000), 6)
                """)
            for (hospital, count) in [(small, 3), (middle, 6)] {
                for index in 0..<count {
                    let patient = UUID()
                    try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(hospital), \(patient), \("H\(count)-\(index)"), 1940, 'male')")
                    try await pool.query("""
                        INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, mrs_90)
                        VALUES (\(hospital), \(patient), 'haemorrhagic', \(arrival - 7_200), \(arrival), \(arrival + 900), \(index % 3))
                        """)
                }
            }
        }
    }

    @Test func eachIndicatorAgainstAHandComputedRegion() async throws {
        try await TestDatabase.with { database in
            try await Self.load(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try Self.catalogue())
                #expect(try await reports.refresh(as: Self.planner) == 22)
                let report = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                #expect(report.k == 5 && report.episodesCounted == 22 && report.asOf != nil)
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
                #expect(withheld.suppressed == true && withheld.value == nil && withheld.reason == "based on fewer than 5 patients")
                #expect(try table("onset_to_door").rowTotals[smallRow].suppressed == true)
                let middleRow = try #require(try table("follow_up_90").rows.firstIndex(of: "TESTR-MIDDLE"))
                #expect(try table("follow_up_90").rowTotals[middleRow].reason?.hasPrefix("withheld so that") == true,
                        "the middle hospital is withheld with it, or the region's total would give the small one away")
                // The funnel places the big hospital; the withheld one is not drawn.
                #expect(try table("ivt_rate").funnel?.points.map(\.row) == ["TESTR-BIG"], "the only hospital with ischaemic strokes")
                let csv = ReportCSV.render(report.tables)
                #expect(csv.hasPrefix(ReportCSV.header) && csv.contains("follow_up_90,%,TESTR-SMALL,all,,,,,,true,based on fewer than 5 patients"))
            }
        }
    }

    @Test func theReportingRoleReadsOnlyTheCells() async throws {
        try await TestDatabase.with { database in
            try await Self.load(database)
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
