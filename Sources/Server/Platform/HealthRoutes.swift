import Foundation
import Hummingbird
import Postgres
import Storage

/// `/health/live` (the process answers) and `/health/ready` (it can reach a primary that takes
/// writes), each saying what this instance can serve: with the database away, acute
/// evaluations are still answered and kept in the spool; with the replica away, reports are
/// read from the primary.
struct HealthRoutes: Sendable {
    let pool: PostgresPool
    let replica: PostgresPool?
    let spool: EvaluationSpool
    let timeout: Duration
    let version: String

    func register(on router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in
            Self.json(["status": "live", "version": version])
        }
        router.get("/health/ready") { _, _ in
            let spooled = String(spool.pending().count)
            if let failure = await databaseFailure() {
                throw Problem(
                    .serviceUnavailable, "database-unavailable",
                    detail: "The database cannot be reached: \(failure). Acute evaluations are still answered and kept in this instance's spool "
                        + "(\(spooled) waiting); everything else waits for the database.")
            }
            return Self.json([
                "status": "ready", "database": "reachable", "spooledEvaluations": spooled,
                "replica": await replicaState(),
            ])
        }
    }

    /// Why the database does not answer within the timeout, or nil if it does.
    func databaseFailure() async -> String? {
        await pool.unanswered(within: timeout)
    }

    /// "none" (reports read from the primary), "reachable", or why reports fall back to the primary.
    func replicaState() async -> String {
        guard let replica else { return "none" }
        guard let failure = await replica.unanswered(within: timeout) else { return "reachable" }
        return "unreachable (\(failure)): reports are read from the primary"
    }

    static func json(_ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
