import Postgres

/// The work did not finish in the time given.
public struct DeadlineExceeded: Error {}

/// Runs `work`, cancelling it and throwing `DeadlineExceeded` if it takes longer than `limit`.
public func withDeadline<Result: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}

/// Runs `work` within `limit`, answering nil when the database is unreachable or does not
/// answer in time: for what a page can do without (a link, a name), never for what it shows
/// as recorded.
public func answeredInTime<Result: Sendable>(_ limit: Duration, _ work: @escaping @Sendable () async throws -> Result) async throws -> Result? {
    do {
        return try await withDeadline(limit, work)
    } catch let error as PostgresError
        where error.isUnavailable || error.code == .queryCancelled || [SQLState.queryCanceled, SQLState.lockNotAvailable].contains(error.sqlState)
    {
        return nil
    } catch is DeadlineExceeded {
        return nil
    }
}
