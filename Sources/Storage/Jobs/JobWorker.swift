import Foundation
public import Logging
import Postgres
public import ServiceLifecycle

/// Claims and runs durable jobs of its handlers' kinds, one at a time, in every instance of
/// the service (an instance runs one worker for each feature's jobs): the job
/// table's `FOR UPDATE SKIP LOCKED` claim keeps two workers off one job, and the lease (renewed
/// every third of its length while the job runs) lets another worker take over a job whose
/// worker died. On graceful shutdown the running job is handed back at once, not left to expire.
public final class JobWorker: Service, Sendable {
    private let queue: JobQueue
    private let handlers: [String: any JobHandler]
    private let name: String
    private let lease: Duration
    private let poll: Duration
    private let logger: Logger
    private let observe: @Sendable (JobRun) -> Void

    /// - Parameters:
    ///   - name: this worker in the job table's `lease_owner` (host and process by default).
    ///   - lease: how long a claimed job stays this worker's without a renewal (default 30 s):
    ///     the longest a job waits after its worker died.
    ///   - poll: how often it looks for work when there was none (default 1 s).
    ///   - observe: told of every run as it ends (the service's metrics).
    public init(
        queue: JobQueue, handlers: [any JobHandler], name: String = JobWorker.defaultName, lease: Duration = .seconds(30),
        poll: Duration = .seconds(1), logger: Logger, observe: @escaping @Sendable (JobRun) -> Void = { _ in }
    ) {
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.name = name
        self.lease = lease
        self.poll = poll
        self.logger = logger
        self.observe = observe
    }

    /// The host name, process id and a random suffix: unique among running workers.
    public static var defaultName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    let ran = try await self.runNext()
                    failing = false
                    if ran { continue }
                } catch {
                    if !failing { self.logger.warning("cannot claim jobs; will retry", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try? await Task.sleep(for: self.poll)
            }
        }
    }

    /// Claims the next job that is ready (or abandoned by a dead worker), runs it or gives it
    /// up, and settles it (unless its handler completed it); false when there was none.
    public func runNext() async throws -> Bool {
        guard let job = try await queue.claim(worker: name, lease: lease, kinds: Array(handlers.keys)) else { return false }
        await handle(job)
        return true
    }

    /// Runs a claimed job (or gives it up) and settles it, unless its handler completes it in
    /// its own transaction. A job whose lease this worker lost (another worker took it over) is
    /// cancelled here and left to the other.
    private func handle(_ job: ClaimedJob) async {
        let metadata: Logger.Metadata = ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts.attempt)"]
        guard let handler = handlers[job.kind] else { return }
        let started = ContinuousClock.now
        let ended = { (outcome: JobRun.Outcome) in self.observe(JobRun(kind: job.kind, outcome: outcome, duration: .now - started)) }
        if job.attempts.isExhausted {
            await giveUp(job, handler: handler, reason: job.attempts.exhaustedReason, metadata: metadata)
            ended(.failed)
            return
        }
        let work = Task { try await handler.run(job) }
        let renewal = Task { if await !keepLease(job) { work.cancel() } }
        defer { renewal.cancel() }
        do {
            try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
            if !handler.completesItself { await settle(job, as: .done) }
            ended(.done)
        } catch  where Task.isCancelled {
            // Shutting down: hand the job back for the next worker (another instance or this one restarted).
            logger.info("job handed back at shutdown", metadata: metadata)
            await settle(job, as: .queued, reason: "handed back: the service was stopping", handedBack: true)
            ended(.handedBack)
        } catch  where work.isCancelled || error is JobLeaseLost {
            // The lease was lost: whatever the cancelled work threw (CancellationError, or
            // PostgreSQL's "query cancelled" mid-statement), the job is the other worker's now.
            logger.warning("job left to the worker that took it over", metadata: metadata)
            ended(.lost)
        } catch {
            switch job.attempts.outcome(transient: (error as? PostgresError)?.isUnavailable ?? false) {
            case .retry(let seconds):
                logger.warning("job failed; will retry", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                await settle(job, as: .queued, retryAfter: seconds, reason: "\(error)")
                ended(.retried)
            case .fail:
                await giveUp(job, handler: handler, reason: "\(error)", metadata: metadata)
                ended(.failed)
            }
        }
    }

    private func giveUp(_ job: ClaimedJob, handler: any JobHandler, reason: String, metadata: Logger.Metadata) async {
        logger.error("job failed", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        do {
            try await handler.abandon(job, reason: reason)
            await settle(job, as: .failed, reason: reason)
        } catch {
            // Left running: its lease expires and the next claim gives it up again.
            logger.warning("cannot record a job's failure yet", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// Settles outside any cancellation (a stopping service still hands its job back).
    private func settle(_ job: ClaimedJob, as status: JobStatus, retryAfter: Int = 0, reason: String? = nil, handedBack: Bool = false) async {
        let (queue, name, logger) = (self.queue, self.name, self.logger)
        await Task.detached {
            do {
                if try await !queue.settle(job.id, worker: name, as: status, retryAfter: retryAfter, reason: reason, handedBack: handedBack) {
                    logger.warning("job settled by another worker after this one's lease expired", metadata: ["job": "\(job.id)"])
                }
            } catch {
                logger.warning("cannot settle a job; its lease will expire", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
        }.value
    }

    /// Renews the lease every third of its length until cancelled (true), or until the worker
    /// no longer holds it (false: another worker took the job over).
    private func keepLease(_ job: ClaimedJob) async -> Bool {
        while !Task.isCancelled {
            try? await Task.sleep(for: lease / 3)
            guard !Task.isCancelled else { return true }
            do {
                if try await !queue.renew(job.id, worker: name, lease: lease) {
                    logger.warning("lost a job's lease; another worker runs it", metadata: ["job": "\(job.id)"])
                    return false
                }
            } catch {
                logger.warning("cannot renew a job's lease", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
        }
        return true
    }
}
