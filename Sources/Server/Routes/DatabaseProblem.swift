import HTTPTypes
import Postgres

/// Turns the database's refusals into the API's problems: 42501 (row-level security or a
/// privilege) → 403, a unique or exclusion violation → 409, a check, not-null or foreign-key
/// violation → 400. The problem never carries the server's message or DETAIL, which can quote values.
enum DatabaseProblem {
    static func map<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let error as PostgresError {
            switch error.sqlState {
            case SQLState.insufficientPrivilege:
                throw Problem(.forbidden, "forbidden", detail: "You may not do this for that organisation or patient.")
            case SQLState.uniqueViolation:
                throw Problem(.conflict, "conflict", detail: "That record already exists (\(error.constraint ?? "unique key")).")
            case "23P01":
                throw Problem(.conflict, "conflict", detail: "That overlaps a record that exists (\(error.constraint ?? "exclusion constraint")).")
            case SQLState.checkViolation, SQLState.notNullViolation, SQLState.foreignKeyViolation:
                throw Problem(.badRequest, "invalid-body", detail: "The database refused the values (\(error.constraint ?? "constraint")).")
            default:
                throw error
            }
        }
    }
}
