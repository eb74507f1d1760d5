import Foundation
import Hummingbird
import Postgres

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

    /// Why the database does not answer `SELECT 1` within the timeout, or nil if it does.
    func databaseFailure() async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await pool.query("SELECT 1")
                    return nil
                } catch let error as PostgresError {
                    return error.code.description
                } catch {
                    return "unknown error"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return "no answer within \(timeout)"
            }
            let first = await group.next() ?? "unknown error"
            group.cancelAll()
            return first
        }
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
