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
    /// A refresh, or nil when the date in UTC (the synthetic clinics' time zone) is not that of
    /// rehabilitation's last count, which counts it again whatever else changed.
    static func refreshOnOneDay(_ reports: RegionalReports, _ pool: PostgresPool) async throws -> ReportRefresh? {
        let counted = try await pool.query("SELECT (rehab_at AT TIME ZONE 'UTC')::date::text FROM report_refreshes").single().decode(String.self)
        let refresh = try await reports.refresh(as: IncrementalReportTests.planner)
        let today = try await pool.query("SELECT (now() AT TIME ZONE 'UTC')::date::text").single().decode(String.self)
        return today == counted ? refresh : nil
    }

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
                    let unchanged = try await Self.refreshOnOneDay(reports, pool)
                    #expect(unchanged.map { !$0.rehab && $0.stays == first.stays } ?? true, "nothing changed: \(String(describing: unchanged))")

                    // An episode of a patient with no stay nor forecast.
                    try await pool.query(
                        """
                        UPDATE stroke_episodes SET nihss_at_arrival = 3
                        WHERE id = (SELECT e.id FROM stroke_episodes e
                                    WHERE NOT EXISTS (SELECT FROM rehab_stays s WHERE s.patient_id = e.patient_id)
                                      AND NOT EXISTS (SELECT FROM recovery_forecasts f WHERE f.patient_id = e.patient_id)
                                    ORDER BY e.id LIMIT 1)
                        """)
                    let other = try await Self.refreshOnOneDay(reports, pool)
                    #expect(other.map { $0.recomputed == 1 && !$0.rehab } ?? true, "another patient's episode: \(String(describing: other))")

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
                    #expect(try await Self.refreshOnOneDay(reports, pool).map { !$0.rehab } ?? true, "counted: nothing changed since")

                    // The last count a day ago: the days of stay and of utilisation run to today.
                    try await pool.query("UPDATE report_refreshes SET rehab_at = rehab_at - interval '1 day'")
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "another day")

                    // A session with its places moved to tomorrow: counted again (a change), and the
                    // first end of a place after the count kept with it.
                    try await pool.query(
                        """
                        UPDATE rehab_sessions SET during = tstzrange(now() + interval '1 day', now() + interval '1 day 30 minutes')
                        WHERE id = (SELECT session_id FROM rehab_participants ORDER BY 1 DESC LIMIT 1)
                        """)
                    #expect(try await reports.refresh(as: IncrementalReportTests.planner).rehab, "a session moved")
                    let kept = try await pool.query(
                        """
                        SELECT r.rehab_next_end IS NOT NULL
                               AND r.rehab_next_end = (SELECT min(upper(p.during)) FROM rehab_participants p WHERE upper(p.during) > r.rehab_at)
                        FROM report_refreshes r
                        """
                    ).single().decode(Bool.self)
                    #expect(kept, "the first end of a place after the count")

                    // A place's session ended since the last count, a second ago, when it was the first
                    // to end after the count (the place moved there, and the count's time and first
                    // end set back, without the triggers, which would note the change themselves).
                    try await pool.withTransaction { connection in
                        try await connection.query("SET LOCAL session_replication_role = replica")
                        try await connection.query(
                            """
                            UPDATE rehab_participants SET during = tstzrange(now() - interval '1 second', now())
                            WHERE (session_id, patient_id) = (SELECT session_id, patient_id FROM rehab_participants ORDER BY 1, 2 LIMIT 1)
                            """)
                        try await connection.query("UPDATE report_refreshes SET rehab_at = now() - interval '2 seconds', rehab_next_end = now()")
                    }
                    #expect(try await Self.refreshOnOneDay(reports, pool).map { $0.rehab } ?? true, "a session ended")

                    // Another catalogue: the disciplines the minutes are counted by.
                    let (from, to, modalities) = try await pool.query(
                        "SELECT lower(follow_up), upper(follow_up) - 1, rehab_modalities FROM report_refreshes"
                    ).single().decode((Int, Int, [String]).self)
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
