public import Foundation
public import Postgres

/// What a kind of job may take: how many attempts, and how long any one of its statements may run.
public struct JobPolicy: Sendable {
    public var attempts: Int
    public var statementTimeout: Duration

    public init(attempts: Int, statementTimeout: Duration) {
        self.attempts = attempts
        self.statementTimeout = statementTimeout
    }
}

/// A job a worker holds: what to do, as whom, and which attempt this is.
public struct ClaimedJob: Sendable {
    public var id: UUID
    public var kind: String
    /// The row the job works on.
    public var target: UUID
    /// The job's parameters, as JSON.
    public var parameters: Data
    /// Whoever queued it, limited to the job's statement timeout; audit rows name the job.
    public var context: AccessContext
    public var attempts: JobAttempts
    /// The worker holding it (`jobs.lease_owner`).
    public var worker: String
}

/// The worker no longer holds the job it was completing: its lease expired and another worker
/// took the job over. The work's transaction rolls back; the other worker's run counts.
public struct JobLeaseLost: Error, CustomStringConvertible {
    public var job: UUID
    public var description: String { "the job \(job) was taken over by another worker" }
}

/// The durable job table (migration 0015), reached only through its functions: queue a job in
/// the caller's transaction, claim one, renew the lease, settle it.
public struct JobQueue: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Queues a job in `connection`'s transaction, acting as its actor (who must act for
    /// `organisation`), so the job exists exactly when the row it works on does; its id.
    /// `unlessQueued`: a job of the same kind, target and parameters that the actor can see and
    /// that is waiting in the queue is answered instead (`job_enqueue_once`).
    @discardableResult
    public static func enqueue(
        kind: String, organisation: UUID, target: UUID, parameters: Data, policy: JobPolicy, unlessQueued: Bool = false,
        on connection: PostgresConnection
    ) async throws -> UUID {
        let (json, attempts, timeout) = (String(decoding: parameters, as: UTF8.self), policy.attempts, Int(policy.statementTimeout.milliseconds))
        let query: PostgresQuery =
            unlessQueued
            ? "SELECT job_enqueue_once(\(kind), \(organisation), \(target), \(json)::jsonb, \(attempts)::integer, \(timeout)::integer)"
            : "SELECT job_enqueue(\(kind), \(organisation), \(target), \(json)::jsonb, \(attempts)::integer, \(timeout)::integer)"
        return try await connection.query(query, prepared: true).single().decode(UUID.self)
    }

    /// Claims the next ready or abandoned job of `kinds` for `worker`, leased for `lease`; nil when none.
    public func claim(worker: String, lease: Duration, kinds: [String]) async throws -> ClaimedJob? {
        guard
            let row = try await pool.query(
                """
                SELECT id, kind, target_id, parameters::text, acting_subject, acting_role, acting_organisations, attempts, max_attempts,
                       statement_timeout_ms
                FROM job_claim(\(worker), \(lease.wholeSeconds)::integer, \(kinds)::text[])
                """, prepared: true
            ).first
        else { return nil }
        let (id, kind, target, parameters, subject, role, organisations, attempt, limit, timeout) =
            try row.decode((UUID, String, UUID, String, String, String, [UUID], Int, Int, Int).self)
        var context = AccessContext(subject: subject, role: role, organisations: organisations, requestID: "job-\(id.uuidString.lowercased())")
        context.statementTimeout = .milliseconds(timeout)
        return ClaimedJob(
            id: id, kind: kind, target: target, parameters: Data(parameters.utf8), context: context,
            attempts: JobAttempts(attempt: attempt, limit: limit), worker: worker)
    }

    /// Completes `job` with `result` (JSON) in `connection`'s transaction, the one that did its
    /// work, so that both commit or neither does (`job_complete`, migration 0021); throws
    /// `JobLeaseLost` when its worker no longer holds it.
    public static func complete(_ job: ClaimedJob, result: Data, on connection: PostgresConnection) async throws {
        let json = String(decoding: result, as: UTF8.self)
        guard try await connection.query("SELECT job_complete(\(job.id), \(job.worker), \(json)::jsonb)", prepared: true).single().decode(Bool.self) else {
            throw JobLeaseLost(job: job.id)
        }
    }

    /// Extends the lease; false when `worker` no longer holds the job.
    public func renew(_ job: UUID, worker: String, lease: Duration) async throws -> Bool {
        try await pool.query("SELECT job_renew(\(job), \(worker), \(lease.wholeSeconds)::integer)", prepared: true).single().decode(Bool.self)
    }

    /// Ends `worker`'s hold: `.done`, `.failed` with its reason, or `.queued` to retry after
    /// `retryAfter` seconds — or, `handedBack`, at once and without counting the attempt (its
    /// instance is stopping). False when `worker` no longer holds the job.
    @discardableResult
    public func settle(
        _ job: UUID, worker: String, as status: JobStatus, retryAfter: Int = 0, reason: String? = nil, handedBack: Bool = false
    ) async throws -> Bool {
        try await pool.query(
            "SELECT job_settle(\(job), \(worker), \(status.rawValue), \(retryAfter)::integer, \(reason), \(handedBack))", prepared: true
        ).single().decode(Bool.self)
    }

    /// How many jobs are in each status, and how many running ones a dead worker left
    /// (their lease expired; the next claim takes them over).
    public func counts() async throws -> [JobStatus: (jobs: Int, abandoned: Int)] {
        var counts: [JobStatus: (jobs: Int, abandoned: Int)] = [:]
        for row in try await pool.query("SELECT status, jobs, expired FROM job_counts()", prepared: true) {
            let (name, jobs, expired) = try row.decode((String, Int, Int).self)
            if let status = JobStatus(rawValue: name) { counts[status] = (jobs, expired) }
        }
        return counts
    }

    /// The jobs of each of `kinds` in the queue, and how long the longest-waiting one that could
    /// run has waited since it could (zero when none): for the service's metrics.
    public func backlog(kinds: [String]) async throws -> [(kind: String, queued: Int, oldestWait: Double)] {
        try await pool.query("SELECT kind, queued, oldest_seconds FROM job_backlog(\(kinds)::text[])", prepared: true).map { row in
            let (kind, queued, oldest) = try row.decode((String, Int, Double).self)
            return (kind, queued, oldest)
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Whole seconds, at least one.
    var wholeSeconds: Int {
        max(1, Int(components.seconds))
    }
}
