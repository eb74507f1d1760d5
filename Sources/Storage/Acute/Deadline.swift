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
