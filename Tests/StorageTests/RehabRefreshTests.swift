import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// Rehabilitation is counted again only when what it counts may have changed (migration 0019):
/// not when nothing or only another patient's episode changed; when a rehab table, an episode
/// of a patient with a stay, the catalogue, the date or a session's end since the last count did.
@Suite struct RehabRefreshTests {
    @Test func rehabilitationIsCountedAgainOnlyWhenItMayHaveChanged() async throws {
        try await TestDatabase.with { database in
            let end = try #require(try? Date("2026-11-01T00:00:00Z", strategy: .iso8601))
            _ = try await database.withPool(.owner) { pool in
                try await SyntheticRegion(episodes: 600, regions: 1, seed: 31, end: end, rehabStays: 20).load(into: pool) { _ in }
            }
            try await database.withPool(.app) { app in
                let reports = RegionalReports(pool: app, catalogue: try RegionalReportTests.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                let first = try await reports.refresh(as: IncrementalReportTests.planner)
                #expect(first.whole && first.rehab && first.stays > 0, "\(first)")
                try await database.withPool(.superuser) { pool in
                    let unchanged = try await reports.refresh(as: IncrementalReportTests.planner)
                    #expect(!unchanged.rehab && unchanged.stays == first.stays, "nothing changed: \(unchanged)")

                    // An episode of a patient with no stay nor forecast.
                    try await pool.query(
                        """
                        UPDATE stroke_episodes SET nihss_at_arrival = 3
                        WHERE id = (SELECT e.id FROM stroke_episodes e
                                    WHERE NOT EXISTS (SELECT FROM rehab_stays s WHERE s.patient_id = e.patient_id)
                                      AND NOT EXISTS (SELECT FROM recovery_forecasts f WHERE f.patient_id = e.patient_id)
                                    ORDER BY e.id LIMIT 1)
                        """)
                    let other = try await reports.refresh(as: IncrementalReportTests.planner)
                    #expect(other.recomputed == 1 && !other.rehab, "another patient's episode: \(other)")

                    // An episode of a patient with a stay.
                    try await pool.query(
                        """
                        UPDATE stroke_episodes SET nihss_at_arrival = 25
                        WHERE id = (SELECT e.id FROM stroke_episodes e JOIN rehab_stays s ON s.patient_id = e.patient_id ORDER BY e.id LIMIT 1)
                        """)
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "an episode of a patient with a stay")

                    // Attendance recorded.
                    try await pool.query(
                        """
                        UPDATE rehab_participants SET attendance = 'no_show', minutes_delivered = NULL
                        WHERE (session_id, patient_id) = (SELECT session_id, patient_id FROM rehab_participants WHERE attendance = 'attended'
                                                          ORDER BY 1, 2 LIMIT 1)
                        """)
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "attendance recorded")
                    #expect(try await !reports.refresh(as: IncrementalReportTests.planner).rehab)

                    // The last count a day ago: the days of stay and of utilisation run to today.
                    try await pool.query("UPDATE report_refreshes SET rehab_at = rehab_at - interval '1 day'")
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "another day")

                    // A session ended since the last count (moved there without the triggers, which
                    // would note the change themselves), on the same day.
                    try await pool.query("UPDATE report_refreshes SET rehab_at = now() - interval '1 second'")
                    try await pool.withConnection { connection in
                        try await connection.query("SET session_replication_role = replica")
                        try await connection.query(
                            """
                            UPDATE rehab_participants SET during = tstzrange(now() - interval '1 second', now())
                            WHERE (session_id, patient_id) = (SELECT session_id, patient_id FROM rehab_participants ORDER BY 1, 2 LIMIT 1)
                            """)
                        try await connection.query("RESET session_replication_role")
                    }
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "a session ended")

                    // Another catalogue: the disciplines the minutes are counted by.
                    let (from, to, catalogue) = try await pool.query(
                        "SELECT lower(follow_up), upper(follow_up) - 1, rehab_catalogue FROM report_refreshes"
                    ).single().decode((Int, Int, [String]).self)
                    let modalities = Array(catalogue.prefix(catalogue.count / 2))
                    let disciplines = modalities.map { _ in "other" }
                    let recounted = try await pool.query(
                        "SELECT rehab FROM report_refresh_all(\(from)::integer, \(to)::integer, \(modalities)::text[], \(disciplines)::text[], false)"
                    ).single().decode(Bool.self)
                    #expect(recounted, "another catalogue")
                }
            }
        }
    }
}
