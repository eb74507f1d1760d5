import Foundation
import Logging
import Postgres
import PostgresTestSupport
import Storage
import Synchronization
import Testing

/// The job lifecycle and the attempts policy, without a database.
@Suite struct JobLifecycleTests {
    @Test func aJobMovesOnlyAlongItsArrows() {
        #expect(JobStatus.queued.after(.claim) == .running)
        #expect(JobStatus.running.after(.claim) == .running, "a job whose worker died is claimed again")
        #expect(JobStatus.running.after(.renew) == .running)
        #expect(JobStatus.running.after(.complete) == .done)
        #expect(JobStatus.running.after(.retry) == .queued)
        #expect(JobStatus.running.after(.fail) == .failed)
        for status in [JobStatus.done, .failed] {
            #expect(status.isFinal)
            #expect(JobStatus.Event.allCases.allSatisfy { status.after($0) == nil }, "\(status) is final")
        }
        #expect(JobStatus.queued.after(.complete) == nil && JobStatus.queued.after(.renew) == nil, "only a held job is settled")
    }

    @Test func transientFailuresAreRetriedWithGrowingWaitsUntilAttemptsRunOut() {
        #expect(JobAttempts(attempt: 1, limit: 3).outcome(transient: true) == .retry(afterSeconds: 5))
        #expect(JobAttempts(attempt: 2, limit: 3).outcome(transient: true) == .retry(afterSeconds: 10))
        #expect(JobAttempts(attempt: 3, limit: 3).outcome(transient: true) == .fail, "the last attempt fails for good")
        #expect(JobAttempts(attempt: 1, limit: 3).outcome(transient: false) == .fail, "a job's own error is not retried")
        #expect(JobAttempts(attempt: 9, limit: 10).outcome(transient: true) == .retry(afterSeconds: 300), "waits at most five minutes")
        #expect(!JobAttempts(attempt: 3, limit: 3).isExhausted)
        #expect(JobAttempts(attempt: 4, limit: 3).isExhausted, "claimed once more than allowed: three workers died on it")
    }
}

/// The durable job table on a real database: claims, leases, take-over, the acting context.
@Suite struct JobQueueTests {
    static let clinic = UUID()
    static let author = AccessContext(subject: "coordinator-1", role: "rehab_coordinator", organisations: [clinic])
    static let policy = JobPolicy(attempts: 2, statementTimeout: .milliseconds(200))

    static func enqueue(_ count: Int, kind: String = "test_job", policy: JobPolicy = policy, on pool: PostgresPool) async throws -> [UUID] {
        var targets: [UUID] = []
        for _ in 0..<count {
            let target = UUID()
            try await pool.withAccess(author) { connection in
                try await JobQueue.enqueue(kind: kind, organisation: clinic, target: target, parameters: Data(#"{"n":1}"#.utf8), policy: policy, on: connection)
            }
            targets.append(target)
        }
        return targets
    }

    @Test func concurrentWorkersClaimEachJobOnce() async throws {
        try await TestDatabase.withPool(.app, configuration: .init(maximumConnections: 8)) { pool in
            let targets = try await Self.enqueue(60, on: pool)
            let queue = JobQueue(pool: pool)
            let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [UUID] = []
                        while let job = try await queue.claim(worker: "worker-\(worker)", lease: .seconds(60), kinds: ["test_job"]) {
                            mine.append(job.target)
                            #expect(try await queue.settle(job.id, worker: "worker-\(worker)", as: .done))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 60, "every job claimed")
            #expect(Set(claimed) == Set(targets), "each exactly once")
            let counts = try await queue.counts()
            #expect(counts[.done]?.jobs == 60 && counts[.queued]?.jobs == 0 && counts[.running]?.jobs == 0)
        }
    }

    @Test func aJobWhoseLeaseExpiredIsTakenOverAndItsFormerWorkerCannotSettleIt() async throws {
        try await TestDatabase.withPool(.app) { pool in
            _ = try await Self.enqueue(1, on: pool)
            let queue = JobQueue(pool: pool)
            let first = try #require(try await queue.claim(worker: "dead", lease: .seconds(1), kinds: ["test_job", "fine"]))
            #expect(first.attempts == JobAttempts(attempt: 1, limit: 2))
            #expect(try await queue.claim(worker: "other", lease: .seconds(60), kinds: ["test_job"]) == nil, "a held job is not claimed")
            // The lease runs out (the worker "died"): wait for the take-over itself, not for a time.
            var second: ClaimedJob?
            while second == nil {
                second = try await queue.claim(worker: "other", lease: .seconds(60), kinds: ["test_job"])
                if second == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(second?.id == first.id && second?.attempts.attempt == 2)
            #expect(try await !queue.renew(first.id, worker: "dead", lease: .seconds(60)), "the old worker lost its lease")
            #expect(try await !queue.settle(first.id, worker: "dead", as: .done), "and cannot settle the job")
            #expect(try await queue.settle(first.id, worker: "other", as: .done))
            #expect(try await !queue.settle(first.id, worker: "other", as: .failed), "a settled job stays settled")
        }
    }

    @Test(.timeLimit(.minutes(10))) func twoAsksAtOnceQueueOneJob() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app, configuration: .init(maximumConnections: 4)) { pool in
                let target = UUID()
                @Sendable func ask(on connection: PostgresConnection) async throws -> UUID {
                    try await JobQueue.enqueue(
                        kind: "test_job", organisation: Self.clinic, target: target, parameters: Data("{}".utf8), policy: Self.policy,
                        unlessQueued: true, on: connection)
                }
                let answered = Answered()
                let asks: (first: UUID, second: Task<UUID, any Error>) = try await pool.withAccess(Self.author) { connection in
                    let first = try await ask(on: connection)
                    let second = Task<UUID, any Error> {
                        defer { answered.value.withLock { $0 = true } }
                        return try await pool.withAccess(Self.author) { try await ask(on: $0) }
                    }
                    // Before the first ask commits, the second waits for it (or, were asks not
                    // serialised, has already answered with a job of its own).
                    try await Self.waitUntilBlocked(database, orAnswered: answered)
                    return (first, second)
                }
                let (first, second) = (asks.first, try await asks.second.value)
                #expect(second == first, "the second ask answers the job the first queued")
            }
        }
    }

    /// Returns once an ask for a job waits for a lock, or one has answered.
    static func waitUntilBlocked(_ database: TestDatabase, orAnswered answered: Answered) async throws {
        try await database.withPool(.superuser) { owner in
            let waiting: PostgresQuery = """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%job_enqueue_once(%'
                """
            while try await owner.query(waiting).single().decode(Int.self) == 0 {
                if answered.value.withLock({ $0 }) { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    @Test func aJobActsAsItsAuthorWithinItsOwnStatementTimeout() async throws {
        try await TestDatabase.withPool(.app) { pool in
            _ = try await Self.enqueue(1, on: pool)
            let job = try #require(try await JobQueue(pool: pool).claim(worker: "w", lease: .seconds(60), kinds: ["test_job"]))
            #expect(job.context.subject == "coordinator-1" && job.context.role == "rehab_coordinator" && job.context.organisations == [Self.clinic])
            #expect(job.kind == "test_job" && String(decoding: job.parameters, as: UTF8.self).contains(#""n""#))
            await #expect(throws: PostgresError.self, "a statement longer than the job's 200 ms is cancelled") {
                try await pool.withAccess(job.context) { connection in try await connection.query("SELECT pg_sleep(2)") }
            }
            let setting = try await pool.withAccess(job.context) { connection in
                try await connection.query("SELECT current_setting('statement_timeout')").single().decode(String.self)
            }
            #expect(setting == "200ms")
        }
    }

    @Test func theServiceCannotForgeAJobsAuthorNorReadTheTable() async throws {
        try await TestDatabase.withPool(.app) { pool in
            let stranger = AccessContext(subject: "someone", role: "rehab_coordinator", organisations: [UUID()])
            await #expect(throws: PostgresError.self, "a job only for an organisation the caller acts for") {
                try await pool.withAccess(stranger) { connection in
                    try await JobQueue.enqueue(
                        kind: "test_job", organisation: Self.clinic, target: UUID(), parameters: Data("{}".utf8), policy: Self.policy, on: connection)
                }
            }
            await #expect(throws: PostgresError.self, "the table is reached only through its functions") {
                try await pool.query("SELECT count(*) FROM jobs")
            }
            await #expect(throws: PostgresError.self, "nor changed directly") {
                try await pool.query("UPDATE jobs SET acting_role = 'admin'")
            }
        }
    }

    @Test func theWorkerRetriesWhatMayPassAndGivesUpWhatWillNot() async throws {
        try await TestDatabase.withPool(.app) { pool in
            let outcomes = Outcomes()
            let handlers = ["fine", "flaky", "broken"].map { RecordingHandler(outcomes: outcomes, kind: $0) }
            let runs = Mutex<[String: JobRun.Outcome]>([:])
            let worker = JobWorker(
                queue: JobQueue(pool: pool), handlers: handlers, name: "w", lease: .seconds(60), logger: TestDatabase.logger,
                observe: { run in runs.withLock { $0[run.kind] = run.outcome } })
            let targets =
                try await Self.enqueue(1, kind: "flaky", on: pool) + Self.enqueue(1, kind: "broken", on: pool)
                + Self.enqueue(1, kind: "unknown", on: pool) + Self.enqueue(1, kind: "fine", on: pool)
            while try await worker.runNext() {}
            #expect(await outcomes.ran == ["flaky", "broken", "fine"])
            #expect(runs.withLock { $0 } == ["flaky": .retried, "broken": .failed, "fine": .done], "the metrics are told how each run ended")
            let backlog = try await JobQueue(pool: pool).backlog(kinds: ["fine", "flaky", "unknown"])
            #expect(backlog.map(\.kind) == ["fine", "flaky", "unknown"] && backlog.map(\.queued) == [0, 1, 1], "a kind with nothing waiting is 0")
            #expect(backlog[0].oldestWait == 0 && backlog[2].oldestWait > 0, "the age of the longest-waiting job that could run")
            #expect(backlog[1].oldestWait == 0, "a retry waiting its turn is not waiting")
            #expect(await outcomes.abandoned == [targets[1]: "bad input"], "a job's own error fails it at once, recorded on its row")
            let counts = try await JobQueue(pool: pool).counts()
            #expect(counts[.queued]?.jobs == 2, "the unavailable database is retried later, not now; a kind this worker cannot run is left for one that can")
            #expect(counts[.failed]?.jobs == 1, "the broken job")
            #expect(counts[.done]?.jobs == 1)
        }
    }

    @Test func aJobHandedBackAtShutdownKeepsItsAttempt() async throws {
        try await TestDatabase.withPool(.app) { pool in
            _ = try await Self.enqueue(1, on: pool)
            let queue = JobQueue(pool: pool)
            let first = try #require(try await queue.claim(worker: "stopping", lease: .seconds(60), kinds: ["test_job"]))
            #expect(try await queue.settle(first.id, worker: "stopping", as: .queued, handedBack: true))
            let again = try #require(try await queue.claim(worker: "next", lease: .seconds(60), kinds: ["test_job"]))
            #expect(again.id == first.id && again.attempts.attempt == 1, "a redeploy does not use up the job's attempts")
        }
    }

    @Test func aWorkerThatLosesTheLeaseMidStatementLeavesTheJobToItsNewWorker() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let target = try await Self.enqueue(1, kind: "sleeping", on: pool)[0]
                let outcomes = Outcomes()
                let worker = JobWorker(
                    queue: JobQueue(pool: pool), handlers: [SleepingHandler(pool: pool, outcomes: outcomes)], name: "w", lease: .seconds(3),
                    logger: TestDatabase.logger)
                let running = Task { try await worker.runNext() }
                try await database.withPool(.superuser) { owner in
                    // Once its statement runs, another worker takes the job over.
                    let sleeping: PostgresQuery =
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(30)%'"
                    var started = false
                    for _ in 0..<1200 where !started {
                        started = try await owner.query(sleeping).single().decode(Int.self) > 0
                        if !started { try await Task.sleep(for: .milliseconds(50)) }
                    }
                    try #require(started, "the job's statement starts (a minute's wait at most: not a hang)")
                    try await owner.query("UPDATE jobs SET lease_owner = 'other', lease_until = now() + interval '1 hour' WHERE target_id = \(target)")
                    #expect(try await running.value, "the worker ran the job")
                    #expect(await outcomes.abandoned.isEmpty, "its cancelled statement does not fail the job under the other worker")
                    let row = try await owner.query("SELECT status, lease_owner FROM jobs WHERE target_id = \(target)").single()
                    #expect(try row.decode((String, String).self) == ("running", "other"))
                }
            }
        }
    }

    @Test func aJobLeftByAsManyDeadWorkersAsItHasAttemptsIsGivenUp() async throws {
        try await TestDatabase.withPool(.app) { pool in
            let target = try await Self.enqueue(1, kind: "fine", policy: JobPolicy(attempts: 1, statementTimeout: .seconds(1)), on: pool)[0]
            let queue = JobQueue(pool: pool)
            _ = try #require(try await queue.claim(worker: "dead", lease: .seconds(1), kinds: ["test_job", "fine"]))
            let outcomes = Outcomes()
            let worker = JobWorker(
                queue: queue, handlers: [RecordingHandler(outcomes: outcomes, kind: "fine")], name: "w", lease: .seconds(60), logger: TestDatabase.logger)
            while try await !worker.runNext() { try await Task.sleep(for: .milliseconds(100)) }
            #expect(await outcomes.ran.isEmpty, "not run a second time")
            #expect(await outcomes.abandoned == [target: JobAttempts(attempt: 2, limit: 1).exhaustedReason])
            #expect(try await queue.counts()[.failed]?.jobs == 1)
        }
    }
}

/// Whether a concurrent ask has answered.
final class Answered: Sendable {
    let value = Mutex(false)
}

/// What the recording handler saw.
actor Outcomes {
    var ran: [String] = []
    var abandoned: [UUID: String] = [:]
    func run(_ kind: String) { ran.append(kind) }
    func abandon(_ target: UUID, _ reason: String) { abandoned[target] = reason }
}

/// Runs jobs of the kinds "fine", "flaky" (the database is away) and "broken" (its own error).
struct RecordingHandler: JobHandler {
    let outcomes: Outcomes
    let kind: String

    struct Broken: Error, CustomStringConvertible {
        var description: String { "bad input" }
    }

    func run(_ job: ClaimedJob) async throws {
        await outcomes.run(job.kind)
        switch job.kind {
        case "flaky": throw PostgresError(code: .connectionFailed, message: "the database went away")
        case "broken": throw Broken()
        default: return
        }
    }

    func abandon(_ job: ClaimedJob, reason: String) async throws {
        await outcomes.abandon(job.target, reason)
    }
}

/// Runs one long statement, as a plan solve's database work does.
struct SleepingHandler: JobHandler {
    let pool: PostgresPool
    let outcomes: Outcomes
    var kind: String { "sleeping" }

    func run(_ job: ClaimedJob) async throws {
        try await pool.query("SELECT pg_sleep(30)")
    }

    func abandon(_ job: ClaimedJob, reason: String) async throws {
        await outcomes.abandon(job.target, reason)
    }
}
