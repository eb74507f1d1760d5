import Foundation
public import Postgres

/// Records read accesses in the audit log with group commit: `record` returns only once its
/// rows are committed, so a read is on record before its response is sent, but requests that
/// arrive while one batch commits share the next batch's single insert and WAL flush. A
/// failed batch fails every request in it, so no read is answered without its audit row.
/// Writes are not recorded here but by `AuditLog.record` in their own transaction, so that
/// the change and its record commit together.
public final class AuditWriter: Sendable {
    private let commits: GroupCommit<[AuditEvent], Void>

    /// One batch at a time: under load the next batch collects everyone who arrived meanwhile
    /// (ops/bench/auth: audited/plain 0.65–0.70 this way, 0.53 with two batches in flight).
    public init(pool: PostgresPool) {
        commits = GroupCommit(concurrentBatches: 1) { batches in
            do {
                // Jumps the pool's queue: it completes requests already under way.
                try await pool.query(AuditLog.insert(batches.flatMap { $0 }), prepared: true, urgent: true)
                return batches.map { _ in .success(()) }
            } catch {
                return batches.map { _ in .failure(error) }
            }
        }
    }

    /// Records `events` and returns once they are committed; throws if they could not be.
    public func record(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await commits.submit(events)
    }
}
