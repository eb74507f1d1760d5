import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Storage

/// Reads the database's backlog — jobs waiting by kind, the oldest one's age, audit rows not yet
/// sealed — into the metrics every `interval`, until graceful shutdown. Apart from `/metrics` so
/// that a scrape never waits on the database and no one can make it query by scraping.
struct BacklogSampler: Service {
    let pool: PostgresPool
    let jobKinds: [String]
    let metrics: ServiceMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval, logger: logger, failure: "cannot read the backlog for the metrics; will retry") {
            let jobs = try await JobQueue(pool: pool).backlog(kinds: jobKinds)
            let unsealed = try await AuditLog.unsealedRows(pool)
            metrics.backlog(jobs: jobs, unsealedAuditRows: unsealed, at: Date().timeIntervalSince1970)
        }
    }
}
