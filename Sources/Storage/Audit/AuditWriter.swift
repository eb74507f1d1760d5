import Foundation
public import Postgres
import Synchronization

/// Records read accesses in the audit log with group commit: `record` returns only once its
/// rows are committed, so a read is on record before its response is sent, but requests that
/// arrive while one batch commits share the next batch's single insert and WAL flush.
///
/// No background task: the first caller to find no batch in flight writes its own rows (the
/// leader); callers arriving meanwhile queue, and the leader hands the whole queue to the
/// first of them when it is done. A failed batch fails every request in it, so no read is
/// answered without its audit row. Writes are not recorded here but by `AuditLog.record` in
/// their own transaction, so that the change and its record commit together.
public final class AuditWriter: Sendable {
    private let pool: PostgresPool
    private let state = Mutex(State())

    private struct Waiter {
        var events: [AuditEvent]
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private enum Turn {
        /// Another leader committed the rows.
        case recorded
        /// The caller now leads, writing its own rows and those of `followers`.
        case lead(followers: [Waiter])
    }

    private struct State {
        var batchesInFlight = 0
        var queue: [Waiter] = []
    }

    /// How many batches may commit at once; callers queue only when all are busy.
    private let concurrentBatches: Int

    public init(pool: PostgresPool, concurrentBatches: Int = 2) {
        self.pool = pool
        self.concurrentBatches = max(1, concurrentBatches)
    }

    /// Records `events` and returns once they are committed; throws if they could not be.
    public func record(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
            let leads = state.withLock { state in
                guard state.batchesInFlight < concurrentBatches else {
                    state.queue.append(Waiter(events: events, continuation: continuation))
                    return false
                }
                state.batchesInFlight += 1
                return true
            }
            if leads { continuation.resume(returning: .lead(followers: [])) }
        }
        guard case .lead(let followers) = turn else { return }
        try await lead(own: events, followers: followers)
    }

    /// Writes the leader's and its followers' rows in one statement, tells the followers how
    /// it went, and hands the queue that built up meanwhile to its first member.
    private func lead(own: [AuditEvent], followers: [Waiter]) async throws {
        let outcome: Result<Void, any Error>
        do {
            try await insert(own + followers.flatMap(\.events))
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for follower in followers {
            follower.continuation.resume(with: outcome.map { .recorded })
        }
        let next = state.withLock { state -> (leader: Waiter, followers: [Waiter])? in
            guard !state.queue.isEmpty else {
                state.batchesInFlight -= 1
                return nil
            }
            let leader = state.queue.removeFirst()
            defer { state.queue = [] }
            return (leader, state.queue)
        }
        if let next { next.leader.continuation.resume(returning: .lead(followers: next.followers)) }
        try outcome.get()
    }

    private func insert(_ events: [AuditEvent]) async throws {
        try await pool.query("""
            INSERT INTO audit_events (actor_subject, actor_role, actor_organisation_id, action, patient_id,
                                      resource_type, resource_id, purpose, outcome, break_glass_reason,
                                      request_id, client_address)
            SELECT subject, role, organisation, action::audit_action, patient, resource_type, resource_id,
                   purpose, outcome::audit_outcome, break_glass_reason, request_id, client_address::inet
            FROM unnest(\(events.map(\.actorSubject)), \(events.map(\.actorRole)), \(events.map(\.actorOrganisation)),
                        \(events.map(\.action.rawValue)), \(events.map(\.patientID)), \(events.map(\.resourceType)),
                        \(events.map(\.resourceID)), \(events.map(\.purpose)), \(events.map(\.outcome.rawValue)),
                        \(events.map(\.breakGlassReason)), \(events.map(\.requestID)), \(events.map(\.clientAddress)))
                 WITH ORDINALITY AS batch(subject, role, organisation, action, patient, resource_type, resource_id,
                                          purpose, outcome, break_glass_reason, request_id, client_address, position)
            ORDER BY position
            """, prepared: true, urgent: true)
    }
}
