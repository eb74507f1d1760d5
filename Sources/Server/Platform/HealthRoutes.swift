import Foundation
import Hummingbird
import Postgres
import Storage

/// `/health/live` (the process answers) and `/health/ready` (it can reach the database).
struct HealthRoutes: Sendable {
    let pool: PostgresPool
    let timeout: Duration
    let version: String

    func register(on router: Router<AppRequestContext>) {
        router.get("/health/live") { _, _ in
            Self.json(["status": "live", "version": version])
        }
        router.get("/health/ready") { _, _ in
            if let failure = await databaseFailure() {
                throw Problem(.serviceUnavailable, "database-unavailable", detail: "The database cannot be reached: \(failure).")
            }
            return Self.json(["status": "ready", "database": "reachable"])
        }
    }

    /// Why the database does not answer within the timeout, or nil if it does.
    func databaseFailure() async -> String? {
        await pool.unanswered(within: timeout)
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
