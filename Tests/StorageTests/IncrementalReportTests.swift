import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// The incremental refresh (issue 19, item 5): after new, changed and deleted episodes, a
/// patient's changed strata (who has a rehab stay) and a late mRS assessment, the cells it
/// updates equal those of a whole rebuild, table by table; it counts again only the changed
/// episodes; an organisation moved rebuilds everything.
@Suite struct IncrementalReportTests {
    static let planner = AccessContext(subject: "planner", role: "planner", organisations: [])

    /// Every report table, each row as JSON with its numbers rounded to 6 decimals (sums of
    /// doubles added in another order), sorted: one text per table.
    static func snapshot(_ pool: PostgresPool) async throws -> [String: String] {
        var tables: [String: String] = [:]
        for table in [
            "report_cells", "report_cells_yearly", "report_minutes", "report_minutes_yearly", "report_minutes_strata",
            "report_therapy", "report_utilisation",
        ] {
            tables[table] = try await pool.query(
                """
                SELECT coalesce(string_agg(r, E'\\n' ORDER BY r), '') FROM (
                    SELECT (SELECT jsonb_object_agg(key, CASE WHEN jsonb_typeof(value) = 'number' THEN to_jsonb(round(value::text::numeric, 6))
                                                             ELSE value END)
                            FROM jsonb_each(to_jsonb(t)))::text AS r
                    FROM \(identifier: table) t) rows
                """
            ).single().decode(String.self, at: 0)
        }
        return tables
    }

    @Test func anIncrementalRefreshEqualsAWholeRebuild() async throws {
        try await TestDatabase.with { database in
            let end = try #require(try? Date("2026-11-01T00:00:00Z", strategy: .iso8601))
            _ = try await database.withPool(.owner) { pool in
                try await SyntheticRegion(episodes: 4_000, regions: 2, seed: 23, end: end, rehabStays: 60).load(into: pool) { _ in }
            }
            try await database.withPool(.app) { app in
                let reports = RegionalReports(pool: app, catalogue: try RegionalReportTests.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                let first = try await reports.refresh(as: Self.planner)
                #expect(first.whole && first.recomputed == 4_000 && first.episodes == 4_000, "the first refresh rebuilds: \(first)")
                let unchanged = try await reports.refresh(as: Self.planner)
                #expect(!unchanged.whole && unchanged.recomputed == 0 && unchanged.episodes == 4_000, "nothing changed: \(unchanged)")
                try await database.withPool(.superuser) { pool in
                    let before = try await Self.snapshot(pool)
                    try await Self.change(pool, end: end)
                    let changed = try await reports.refresh(as: Self.planner)
                    #expect(!changed.whole && changed.episodes == 4_000 + 40 - 1, "\(changed)")
                    #expect((43...60).contains(changed.recomputed), "only the changed episodes counted again: \(changed)")
                    #expect(try await pool.query("SELECT count(*) FROM report_changes").single().decode(Int.self) == 0)
                    let incremental = try await Self.snapshot(pool)
                    let rebuilt = try await reports.refresh(as: Self.planner, whole: true)
                    #expect(rebuilt.whole && rebuilt.recomputed == rebuilt.episodes && rebuilt.episodes == changed.episodes)
                    let whole = try await Self.snapshot(pool)
                    for (table, rows) in whole {
                        let updated = incremental[table, default: ""].split(separator: "\n")
                        let differing = Set(updated).symmetricDifference(rows.split(separator: "\n")).sorted().prefix(2)
                        #expect(differing.isEmpty, "\(table): the incremental refresh differs from the whole rebuild in \(differing)")
                        #expect(!rows.isEmpty, "\(table) has rows")
                    }
                    #expect(before["report_cells"] != whole["report_cells"] && before["report_therapy"] != whole["report_therapy"])
                    // What reports read counts every episode once, whichever years come from the yearly cells.
                    let all = try await pool.query("SELECT sum(episodes)::bigint FROM report_cells").single().decode(Int.self)
                    for (first, last) in [(nil, nil), ("2024-01-01", nil), (nil, "2025-01-01"), ("2024-01-01", "2025-01-01"), ("2025-01-01", "2024-01-01")] {
                        let (from, to) = (first.flatMap(CalendarDay.init), last.flatMap(CalendarDay.init))
                        let read = try await pool.query("SELECT sum(episodes)::bigint FROM report_cells_in(\(from)::date, \(to)::date)").single()
                            .decode(Int.self)
                        #expect(read == all, "years \(first ?? "-") to \(last ?? "-")")
                    }

                    // A hospital moved to the other region: every month is recomputed.
                    try await pool.query(
                        """
                        UPDATE organisations SET parent_id = (SELECT id FROM organisations WHERE code = 'SYN23-R02')
                        WHERE code = 'SYN23-R01-H3'
                        """)
                    let moved = try await reports.refresh(as: Self.planner)
                    #expect(moved.whole && moved.recomputed == moved.episodes, "\(moved)")
                }
            }
        }
    }

    /// As the superuser (the triggers note every change as for the application): 40 new
    /// episodes in the last month, one changed and one deleted in older months, a patient with a
    /// rehab stay who turns out to be of the other sex, and a late 90-day mRS assessment.
    static func change(_ pool: PostgresPool, end: Date) async throws {
        try await pool.query(
            """
            CREATE TEMPORARY TABLE added AS
            SELECT e.*, gen_random_uuid() AS new_patient, gen_random_uuid() AS new_episode,
                   \(end) - interval '5 days' - e.arrival_at AS shift
            FROM stroke_episodes e ORDER BY e.id LIMIT 40
            """)
        try await pool.query(
            """
            INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex)
            SELECT a.organisation_id, a.new_patient, 'ADDED-' || a.new_patient, p.birth_year, p.sex FROM added a JOIN patients p ON p.id = a.patient_id
            """)
        try await pool.query(
            """
            INSERT INTO stroke_episodes (organisation_id, id, patient_id, stroke_type, last_known_well, arrival_at, nihss_at_arrival, imaging_at,
                                         needle_at, thrombolytic, groin_puncture_at, reperfusion_at, mtici, arrival_mode)
            SELECT organisation_id, new_episode, new_patient, stroke_type, last_known_well + shift, arrival_at + shift, nihss_at_arrival,
                   imaging_at + shift, needle_at + shift, thrombolytic, groin_puncture_at + shift, reperfusion_at + shift, mtici, arrival_mode
            FROM added
            """)
        try await pool.query(
            """
            UPDATE stroke_episodes SET nihss_at_arrival = 30, mrs_90 = 6
            WHERE id = (SELECT id FROM stroke_episodes WHERE nihss_at_arrival < 5 AND arrival_at < \(end) - interval '400 days' ORDER BY id LIMIT 1)
            """)
        try await pool.query(
            """
            DELETE FROM stroke_episodes
            WHERE id = (SELECT e.id FROM stroke_episodes e WHERE arrival_at < \(end) - interval '700 days'
                          AND NOT EXISTS (SELECT FROM acute_evaluations a WHERE a.episode_id = e.id) ORDER BY e.id LIMIT 1)
            """)
        try await pool.query(
            """
            UPDATE patients SET sex = CASE sex WHEN 'female' THEN 'male' ELSE 'female' END
            WHERE id = (SELECT s.patient_id FROM rehab_stays s JOIN stroke_episodes e ON e.patient_id = s.patient_id ORDER BY s.id LIMIT 1)
            """)
        try await pool.query(
            """
            INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by)
            SELECT e.organisation_id, e.patient_id, 'mRS', e.last_known_well + interval '90 days', 2, 'test', 'test'
            FROM stroke_episodes e
            WHERE e.mrs_90 IS NULL AND e.last_known_well IS NOT NULL AND e.arrival_at < \(end) - interval '200 days'
            ORDER BY e.id LIMIT 1
            """)
    }
}
