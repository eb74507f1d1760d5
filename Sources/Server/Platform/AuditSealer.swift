import Logging
import Postgres
import ServiceLifecycle
import Storage

/// Seals the audit log's new rows into its hash chain every `interval` (the first time one
/// interval after start), until graceful shutdown. Sealing after commit keeps the chain from
/// serialising every request; the database's advisory lock keeps several instances from sealing
/// at once.
struct AuditSealer: Service {
    let pool: PostgresPool
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval, waitingFirst: true, logger: logger, failure: "audit sealing failed; will retry") {
            let sealed = try await AuditLog.seal(pool)
            if sealed > 0 { logger.debug("audit rows sealed", metadata: ["count": "\(sealed)"]) }
        }
    }
}
