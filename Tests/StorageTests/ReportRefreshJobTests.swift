import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Storage
import Testing

/// The report refresh as a durable job (issue 19, item 1): asked for again before it starts,
/// the same job is answered; seen only by its author and the admins of its organisations; a
/// refresh whose worker died is taken over and finishes, recording what it counted, and the
/// dead worker's refresh cannot commit after that.
@Suite(.timeLimit(.minutes(10))) struct ReportRefreshJobTests {
    static let admin = AccessContext(subject: "admin-1", role: "admin", organisations: [ReportFixture.region])
    static let colleague = AccessContext(subject: "admin-2", role: "admin", organisations: [ReportFixture.region])

    @Test func aRefreshIsQueuedOnceSeenByItsAdminsAndFinishedAfterItsWorkerDied() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try ReportFixture.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                let first = try await reports.queueRefresh(as: Self.admin)
                #expect(first.status == .queued && first.attempts == 0 && first.result == nil && first.startedAt == nil)
                #expect(try await reports.queueRefresh(as: Self.admin).id == first.id, "asked again before it started: the same job")
                #expect(try await reports.queueRefresh(as: Self.colleague).id == first.id, "an admin of the same organisation shares it")
                let whole = try await reports.queueRefresh(as: Self.admin, whole: true)
                #expect(whole.id != first.id, "a whole rebuild is a job of its own")

                let stranger = AccessContext(subject: "admin-3", role: "admin", organisations: [UUID()])
                #expect(try await reports.refreshJob(first.id, as: stranger) == nil, "another organisation's admin cannot see it")
                #expect(try await reports.queueRefresh(as: stranger).id != first.id, "nor share it")
                await #expect(throws: Refusal.self, "an admin whose token names no organisation queues none") {
                    try await reports.queueRefresh(as: AccessContext(subject: "admin-4", role: "admin", organisations: []))
                }
                let planner = AccessContext(subject: "planner", role: "planner", organisations: [ReportFixture.region])
                #expect(try await reports.refreshJob(first.id, as: planner) == nil, "a planner of the region is not its admin")

                // Its first worker dies mid-refresh: its lease runs out (set here, not waited for).
                let queue = JobQueue(pool: pool)
                let dying = try #require(try await queue.claim(worker: "dead", lease: .seconds(60), kinds: ["report_refresh"]))
                #expect(dying.id == first.id)
                #expect(try await reports.refreshJob(first.id, as: Self.colleague)?.status == .running)
                let meanwhile = try await reports.queueRefresh(as: Self.admin)
                #expect(meanwhile.id != first.id, "once it runs, a new ask queues a new refresh (what changed since may be missed)")
                try await database.withPool(.superuser) { owner in
                    try await owner.query("UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = \(first.id)")
                }
                let worker = JobWorker(queue: queue, handlers: reports.jobHandlers, name: "w", lease: .seconds(60), logger: TestDatabase.logger)
                while try await worker.runNext() {}
                // The dead worker, come back, cannot complete the job it lost: its refresh rolls back.
                let refreshedAt: PostgresQuery = "SELECT refreshed_at FROM report_refreshes"
                let (before, after) = try await database.withPool(.superuser) { owner in
                    let before = try await owner.query(refreshedAt).single().decode(Date.self)
                    await #expect(throws: JobLeaseLost.self) { try await reports.refresh(as: dying.context, job: dying) }
                    return (before, try await owner.query(refreshedAt).single().decode(Date.self))
                }
                #expect(before == after, "nothing of the lost refresh committed")

                let taken = try #require(try await reports.refreshJob(first.id, as: Self.colleague))
                #expect(taken.status == .done && taken.attempts == 2 && taken.finishedAt != nil, "taken over and finished: \(taken)")
                let counted = try #require(taken.result)
                #expect(counted.whole && counted.episodes > 0 && counted.recomputed == counted.episodes, "the first refresh rebuilds: \(counted)")
                let rebuilt = try #require(try await reports.refreshJob(whole.id, as: Self.admin)?.result)
                #expect(rebuilt.whole && rebuilt.episodes == counted.episodes)
                let strangers = try await database.withPool(.superuser) { owner in
                    try await owner.query("SELECT count(*) FROM jobs WHERE status = 'done' AND kind = 'report_refresh'").single().decode(Int.self)
                }
                #expect(strangers == 4, "the one asked for meanwhile and the stranger's ran as well")
            }
        }
    }

    @Test func aRefreshCancelledByTheDatabaseFailsWithItsReasonAndNoCounts() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try ReportFixture.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                let job = try await reports.queueRefresh(as: Self.admin)
                let worker = JobWorker(queue: JobQueue(pool: pool), handlers: reports.jobHandlers, name: "w", lease: .seconds(60), logger: TestDatabase.logger)
                try await database.withPool(.superuser, configuration: .init(maximumConnections: 2)) { owner in
                    try await owner.withTransaction { holder in
                        // The refresh waits for a table another session holds, and is cancelled there.
                        try await holder.query("LOCK TABLE report_refreshes IN ACCESS EXCLUSIVE MODE")
                        let running = Task { try await worker.runNext() }
                        var cancelled = false
                        while !cancelled {
                            cancelled =
                                try await owner.query(
                                    """
                                    SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity
                                    WHERE datname = current_database() AND query LIKE '%report_refresh_all(%' AND wait_event_type = 'Lock'
                                    """
                                ).single().decode(Int.self) > 0
                            if !cancelled { try await Task.sleep(for: .milliseconds(50)) }
                        }
                        #expect(try await running.value)
                    }
                }
                let failed = try #require(try await reports.refreshJob(job.id, as: Self.admin))
                #expect(failed.status == .failed && failed.result == nil && failed.finishedAt != nil, "\(failed)")
                #expect(failed.error?.contains("cancel") == true, "the reason is kept: \(failed.error ?? "none")")
            }
        }
    }
}
