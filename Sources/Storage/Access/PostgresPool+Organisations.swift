public import Foundation
public import Postgres

extension PostgresPool {
    /// Runs `body` in a transaction that acts for `organisations`: row-level security then
    /// shows exactly the patients those organisations registered or have a current care
    /// relationship with. The setting is transaction-local (`set_config(…, true)`), so it
    /// ends with the transaction and can never reach the connection's next user; without it
    /// every patient table shows no rows.
    @discardableResult
    public func withOrganisations<Result>(
        _ organisations: [UUID],
        level: PostgresIsolationLevel = .readCommitted,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let array = "{" + organisations.map(\.uuidString).joined(separator: ",") + "}"
        return try await withTransaction(level: level, isolation: isolation) { connection in
            try await connection.query("SELECT set_config('app.organisation_ids', \(array), true)")
            return try await body(connection)
        }
    }
}
