/// Runs one kind of durable job. A job may be run again after its worker died, so `run` must
/// be idempotent: it starts by checking whether its work is still to do.
public protocol JobHandler: Sendable {
    /// The kind of job it runs (`jobs.kind`).
    var kind: String { get }
    /// Does the job's work as the job's context; throws to fail the attempt.
    func run(_ job: ClaimedJob) async throws
    /// Records on the job's row that it failed for good, with the reason a person reads.
    func abandon(_ job: ClaimedJob, reason: String) async throws
    /// True when `run` completes the job itself, in the transaction of its work
    /// (`JobQueue.complete`), rather than leaving that to the worker afterwards.
    var completesItself: Bool { get }
}

extension JobHandler {
    public var completesItself: Bool { false }
}
