import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Seed
import Storage
import Testing

/// The synthetic load: the episodes arrive with their patients and outcomes in plausible
/// proportions, the tables' foreign keys and forced row-level security are back afterwards,
/// a seed loads once, and the report cells count every episode.
@Suite struct SyntheticRegionTests {
    @Test func aSyntheticRegionLoadsOnceWithPlausibleCareAndOutcomes() async throws {
        try await TestDatabase.with { database in
            let end = try #require(try? Date("2026-11-01T00:00:00Z", strategy: .iso8601))
            let region = SyntheticRegion(episodes: 6_000, regions: 1, seed: 11, end: end, rehabStays: 60)
            let progress = ProgressLog()
            let forcedTables: PostgresQuery = "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relforcerowsecurity"
            let forcedBefore = try await database.withPool(.superuser) { try await $0.query(forcedTables).single().decode(String.self, at: 0) }
            let report = try await database.withPool(.owner) { pool in
                try await region.load(into: pool) { progress.add($0) }
            }
            #expect(report.episodes == 6_000 && report.organisations == 10, "a region, eight hospitals and a rehab clinic")
            #expect(report.rehabStays == 60 && report.rehabSessions > 60 * 10 && report.forecasts > 10, "\(report)")
            #expect(progress.values.last == 6_000 && progress.values == progress.values.sorted(), "progress rises to the total")
            try await database.withPool(.superuser) { pool in
                let row = try await pool.query(
                    """
                    SELECT count(*) FILTER (WHERE stroke_type = 'ischaemic')::float8 / count(*),
                           count(*) FILTER (WHERE needle_at IS NOT NULL)::float8 / count(*) FILTER (WHERE stroke_type = 'ischaemic'),
                           count(*) FILTER (WHERE groin_puncture_at IS NOT NULL)::float8 / count(*) FILTER (WHERE stroke_type = 'ischaemic'),
                           count(mrs_90)::float8 / count(*), count(*) FILTER (WHERE mrs_90 = 6)::float8 / count(mrs_90),
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY door_to_needle_min),
                           min(arrival_at) >= \(end - 1_095 * 86_400) AND max(arrival_at) < \(end)
                    FROM stroke_episodes
                    """
                ).single()
                let ischaemic = try row.decode(Double.self, at: 0)
                let ivt = try row.decode(Double.self, at: 1)
                let evt = try row.decode(Double.self, at: 2)
                let followed = try row.decode(Double.self, at: 3)
                let dead = try row.decode(Double.self, at: 4)
                let dtn = try row.decode(Double.self, at: 5)
                #expect((0.83...0.89).contains(ischaemic) && (0.08...0.20).contains(ivt) && (0.03...0.12).contains(evt), "\(ischaemic) \(ivt) \(evt)")
                #expect((0.85...0.91).contains(followed) && (0.08...0.25).contains(dead) && (20...45).contains(dtn), "\(followed) \(dead) \(dtn)")
                #expect(try row.decode(Bool.self, at: 6), "arrivals in the three years before the end")
                // In arrival order in the table, as real episodes lie (each month's together: the
                // planner's statistics see it), and spread over the period: each of its 35 whole
                // months (UTC) has its share.
                try await pool.query("ANALYZE stroke_episodes")
                let (correlation, months, fewest) = try await pool.query(
                    """
                    SELECT (SELECT correlation FROM pg_stats WHERE tablename = 'stroke_episodes' AND attname = 'arrival_at')::float8,
                           count(*), min(episodes)
                    FROM (SELECT date_trunc('month', arrival_at, 'UTC') AS month, count(*) AS episodes FROM stroke_episodes GROUP BY 1) m
                    WHERE month >= \(end - 1_080 * 86_400)
                    """
                ).single().decode((Double, Int, Int).self)
                #expect(correlation > 0.99 && months == 35 && fewest > 120, "correlation \(correlation); \(months) whole months, the fewest \(fewest)")
                // I4: every episode has an arrival mode, about 75 % direct, 20 % transfers, 5 % in-hospital onset.
                let modes = try await pool.query(
                    """
                    SELECT count(*) FILTER (WHERE arrival_mode = 'direct')::float8 / count(*), count(*) FILTER (WHERE arrival_mode = 'transfer')::float8 / count(*),
                           count(*) FILTER (WHERE arrival_mode = 'in_hospital')::float8 / count(*), count(*) FILTER (WHERE arrival_mode IS NULL)
                    FROM stroke_episodes
                    """
                ).single()
                let (direct, transfer, inHospital, unrecorded) = try modes.decode((Double, Double, Double, Int).self)
                #expect(
                    (0.72...0.78).contains(direct) && (0.17...0.23).contains(transfer) && (0.035...0.065).contains(inHospital) && unrecorded == 0,
                    "\(direct) \(transfer) \(inHospital) \(unrecorded)")
                let keys = try await pool.query(
                    """
                    SELECT count(*)::integer FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('patients'::regclass, 'stroke_episodes'::regclass)
                    """
                ).single().decode(Int.self, at: 0)
                #expect(keys == 3, "the foreign keys are back")
                #expect(try await pool.query(forcedTables).single().decode(String.self, at: 0) == forcedBefore, "row-level security is forced again")
                // The rehab sample: the room triggers are back, and every room keeps within its sessions at once and places.
                let triggers = try await pool.query(
                    """
                    SELECT count(*)::integer FROM pg_trigger WHERE tgname LIKE 'rehab_%_room_capacity' AND tgenabled = 'O'
                    """
                ).single().decode(Int.self, at: 0)
                #expect(triggers == 2)
                let crowded = try await pool.query(
                    """
                    SELECT count(*)::integer FROM (
                        SELECT s.room_id, s.starts_at FROM rehab_sessions s JOIN rehab_rooms r ON r.id = s.room_id
                        WHERE s.cancelled_at IS NULL GROUP BY s.room_id, s.starts_at, r.max_sessions HAVING count(*) > r.max_sessions) crowded
                    """
                ).single().decode(Int.self, at: 0)
                #expect(crowded == 0)
                let attendance = try await pool.query(
                    """
                    SELECT count(*) FILTER (WHERE attendance = 'attended')::float8 / count(*), avg(minutes_delivered)::float8 FROM rehab_participants
                    """
                ).single()
                let attended = try attendance.decode(Double.self, at: 0)
                let minutes = try attendance.decode(Double.self, at: 1)
                #expect((0.84...0.92).contains(attended) && (30...45).contains(minutes), "\(attended) \(minutes)")
            }
            await #expect(throws: Refusal.self) {
                try await database.withPool(.owner) { pool in try await region.load(into: pool) { _ in } }
            }
            let counted = try await database.withPool(.app) { pool in
                try await RegionalReports(pool: pool, catalogue: try RegionalReportTests.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                    .refresh(as: AccessContext(subject: "planner", role: "planner", organisations: []))
            }
            #expect(counted.episodes == 6_000 && counted.stays == 60)
        }
    }

    /// Progress values, in the order reported.
    final class ProgressLog: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Int] = []
        func add(_ value: Int) { lock.withLock { list.append(value) } }
        var values: [Int] { lock.withLock { list } }
    }
}
