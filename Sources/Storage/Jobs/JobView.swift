public import Foundation
public import Postgres

/// A job as the one who queued it, or an admin of its organisations, sees it: where it is,
/// how many attempts it has had, why the last failed, and once done what it produced.
public struct JobView<Output: Codable & Sendable>: Sendable, Codable {
    public var id: UUID
    public var status: JobStatus
    /// Claims so far (a worker that died counts one), and how many the job may have.
    public var attempts: Int
    public var maxAttempts: Int
    /// Why the last attempt failed: the reason it was given up, or the error it will be retried after.
    public var error: String?
    /// What the job produced, once done.
    public var result: Output?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
}

extension JobQueue {
    /// The job `id` of `kind` on `connection`, as its transaction's actor may see it; nil when
    /// there is none the actor may see (`job_view`, migration 0021).
    public static func visibleJob<Output>(_ id: UUID, of kind: String, on connection: PostgresConnection) async throws -> JobView<Output>? {
        try await connection.query(viewQuery(id, kind), prepared: true).first.map(decode)
    }

    /// The job `id` of `kind` the actor just queued (its author always sees it).
    static func view<Output>(_ id: UUID, of kind: String, on connection: PostgresConnection) async throws -> JobView<Output> {
        try decode(try await connection.query(viewQuery(id, kind), prepared: true).single())
    }

    private static func viewQuery(_ id: UUID, _ kind: String) -> PostgresQuery {
        "SELECT id, status, attempts, max_attempts, error, result::text, created_at, started_at, finished_at FROM job_view(\(id), \(kind))"
    }

    private static func decode<Output>(_ row: PostgresRow) throws -> JobView<Output> {
        let (id, status, attempts, limit, error, result, created, started, finished) =
            try row.decode((UUID, String, Int, Int, String?, String?, Date, Date?, Date?).self)
        guard let status = JobStatus(rawValue: status) else { throw UnknownJobStatus(status: status) }
        return JobView(
            id: id, status: status, attempts: attempts, maxAttempts: limit, error: error,
            result: try result.map { try JSONDecoder().decode(Output.self, from: Data($0.utf8)) }, createdAt: created, startedAt: started,
            finishedAt: finished)
    }
}

/// A job's row holds a status this release does not know (a newer release's).
struct UnknownJobStatus: Error, CustomStringConvertible {
    var status: String
    var description: String { "a job has the unknown status \(status)" }
}
