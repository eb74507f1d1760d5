import Logging
import Postgres
import ServiceLifecycle
import Storage

/// Seals the audit log's new rows into its hash chain every `interval` (the first time one
/// interval after start), until graceful shutdown. Sealing after commit keeps the chain from serialising every request; the
/// database's advisory lock keeps several instances from sealing at once.
struct AuditSealer: Service {
    let pool: PostgresPool
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { break }
                do {
                    let sealed = try await AuditLog.seal(pool)
                    if sealed > 0 { logger.debug("audit rows sealed", metadata: ["count": "\(sealed)"]) }
                    failing = false
                } catch {
                    // Report once per outage, not every second.
                    if !failing { logger.warning("audit sealing failed; will retry", metadata: ["error": "\(error)"]) }
                    failing = true
                }
            }
        }
    }
}
