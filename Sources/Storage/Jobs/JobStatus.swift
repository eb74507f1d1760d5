/// A background job's life: queued → running (claimed, under a lease) → done | failed, or
/// running → queued again to retry after a transient failure; a running job whose lease
/// expired (its worker died) is claimed again, which counts another attempt.
///
/// The job functions of the database (`job_claim`, `job_settle`) move a job only along these
/// arrows; `JobAttempts` decides which arrow a worker takes.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, done, failed

    /// What can happen to a job.
    public enum Event: Sendable, CaseIterable {
        /// A worker claims it: a queued job that is due, or a running one whose lease expired.
        case claim
        /// Its worker extends the lease.
        case renew
        /// Its work is done.
        case complete
        /// It failed for a reason that may pass (the database was away): queued again.
        case retry
        /// It failed for good, or it was given up.
        case fail
    }

    /// The status after `event`, or nil when `event` cannot happen in this status.
    public func after(_ event: Event) -> JobStatus? {
        switch (self, event) {
        case (.queued, .claim), (.running, .claim), (.running, .renew): .running
        case (.running, .complete): .done
        case (.running, .retry): .queued
        case (.running, .fail): .failed
        default: nil
        }
    }

    /// The job will not change again.
    public var isFinal: Bool { self == .done || self == .failed }
}

/// A claimed job's attempts, and what its worker does with a failure.
public struct JobAttempts: Sendable, Equatable {
    /// This claim's attempt, counting every earlier claim (1 for the first).
    public var attempt: Int
    /// How many attempts the job may have.
    public var limit: Int

    public init(attempt: Int, limit: Int) {
        self.attempt = attempt
        self.limit = limit
    }

    /// True when the job's last attempt ended without a result (its worker died): the job is
    /// given up, not run.
    public var isExhausted: Bool { attempt > limit }

    /// What a worker does when its attempt fails.
    public enum Outcome: Sendable, Equatable {
        /// Queue the job again, to be claimed after this many seconds.
        case retry(afterSeconds: Int)
        /// Fail the job with its reason.
        case fail
    }

    /// A failure that may pass (`transient`: the database was unreachable) is retried while
    /// attempts remain, waiting 5, 10, 20 … seconds (at most 5 minutes); any other fails at once.
    public func outcome(transient: Bool) -> Outcome {
        guard transient, attempt < limit else { return .fail }
        return .retry(afterSeconds: min(5 << min(attempt - 1, 6), 300))
    }

    /// Why a job was given up.
    public var exhaustedReason: String {
        "given up after \(limit) attempt\(limit == 1 ? "" : "s"): the last ended without a result (the instance running it stopped)"
    }
}
