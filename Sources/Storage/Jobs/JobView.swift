public import Foundation
public import Postgres

/// A job as the one who queued it (or an admin of its organisations) sees it: where it is,
/// how many attempts it has had, why the last failed, and once done what it produced.
public struct JobView<Result: Codable & Sendable>: Sendable, Codable {
    public var id: UUID
    public var status: JobStatus
    /// Claims so far (a worker that died counts one), and how many the job may have.
    public var attempts: Int
    public var maxAttempts: Int
    /// Why the last attempt failed: the reason it was given up, or the error it will be retried after.
    public var error: String?
    /// What the job produced, once done.
    public var result: Result?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
}

extension JobView: Equatable where Result: Equatable {}

extension JobQueue {
    /// The job `id` of `kind` on `connection`, acting as its transaction's actor; nil when there
    /// is none the actor may see (`job_view`, migration 0021).
    public static func view<Result>(_ id: UUID, kind: String, on connection: PostgresConnection) async throws -> JobView<Result>? {
        guard
            let row = try await connection.query(
                """
                SELECT id, status, attempts, max_attempts, error, result::text, created_at, started_at, finished_at
                FROM job_view(\(id), \(kind))
                """, prepared: true
            ).first
        else { return nil }
        let (id, status, attempts, limit, error, result, created, started, finished) =
            try row.decode((UUID, String, Int, Int, String?, String?, Date, Date?, Date?).self)
        guard let status = JobStatus(rawValue: status) else { throw JobViewError.unknownStatus(status) }
        return JobView(
            id: id, status: status, attempts: attempts, maxAttempts: limit, error: error,
            result: try result.map { try JSONDecoder().decode(Result.self, from: Data($0.utf8)) }, createdAt: created, startedAt: started,
            finishedAt: finished)
    }
}

/// A job that cannot be shown: a status this release does not know (the table's check allows
/// none), or one its own author cannot see (`job_visible` always admits the author).
enum JobViewError: Error, CustomStringConvertible {
    case unknownStatus(String)
    case notVisible(UUID)

    var description: String {
        switch self {
        case .unknownStatus(let status): "a job has the unknown status \(status)"
        case .notVisible(let id): "the job \(id) just queued is not visible to the one who queued it"
        }
    }
}
