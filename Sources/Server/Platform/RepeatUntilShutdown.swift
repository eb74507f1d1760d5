import Logging
import ServiceLifecycle

/// Runs `work` every `interval` until graceful shutdown (or cancellation), the first time at once
/// or, with `waitingFirst`, one interval after start. A failure is logged as `failure` once per
/// outage, not at every try, and the next interval tries again.
func repeatUntilShutdown(
    every interval: Duration, waitingFirst: Bool = false, logger: Logger, failure: Logger.Message,
    _ work: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        var failing = false
        if waitingFirst { try? await Task.sleep(for: interval) }
        while !Task.isCancelled {
            do {
                try await work()
                failing = false
            } catch {
                if !failing { logger.warning(failure, metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }
}
