import Foundation

/// How strictly concurrent transactions are kept apart.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresPool {
    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    ///
    /// The connection goes back to the pool without a session reset (a reset costs a round
    /// trip and a parse per transaction), so `body` must leave no session state behind:
    /// transaction-local settings (`SET LOCAL`, `set_config(…, true)`) and transaction advisory
    /// locks only — never a plain `SET`, `LISTEN`, session advisory locks or temporary tables.
    /// Work that needs those uses `withConnection`, which resets the session afterwards.
    ///
    /// On a serialisation failure (40001) or deadlock (40P01) the whole transaction, `body`
    /// included, runs again, up to `maxAttempts` times, with a jittered, growing pause.
    /// So `body` must do nothing outside the database that cannot be repeated.
    /// - Parameters:
    ///   - level: the isolation level (default READ COMMITTED).
    ///   - readOnly: start a READ ONLY transaction.
    ///   - maxAttempts: at most this many runs (default 5).
    @discardableResult
    public func withTransaction<Result>(
        level: PostgresIsolationLevel = .readCommitted,
        readOnly: Bool = false,
        maxAttempts: Int = 5,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let begin = PostgresQuery(fixedSQL: "BEGIN ISOLATION LEVEL \(level.rawValue)\(readOnly ? " READ ONLY" : "")")
        var attempt = 1
        while true {
            do {
                return try await withLease(resetSession: false, urgent: false, isolation: isolation) { connection in
                    try await connection.query(begin, prepared: true)
                    do {
                        let result = try await body(connection)
                        try await connection.query("COMMIT", prepared: true)
                        return result
                    } catch {
                        _ = try? await connection.query("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PostgresError where error.isTransactionRetryable && attempt < maxAttempts {
                try await Task.sleep(for: Self.retryPause(attempt: attempt))
                attempt += 1
            }
        }
    }

    /// 5 ms doubling per attempt, capped at 200 ms, times a random factor in 0.5–1.5.
    static func retryPause(attempt: Int) -> Duration {
        let base = min(5.0 * pow(2.0, Double(attempt - 1)), 200.0)
        return .microseconds(Int(base * Double.random(in: 0.5...1.5) * 1_000))
    }
}
