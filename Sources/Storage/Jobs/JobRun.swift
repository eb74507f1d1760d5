/// One run of a durable job as its worker saw it, for the service's metrics: which kind, how it
/// ended and how long it took.
public struct JobRun: Sendable {
    /// How a run ended.
    public enum Outcome: String, Sendable {
        /// The work is done.
        case done
        /// It failed for a reason that may pass and was queued again.
        case retried
        /// It failed for good, or its attempts were used up before it ran.
        case failed
        /// The service was stopping and handed it back to the queue.
        case handedBack = "handed_back"
        /// Another worker took it over after this one's lease expired.
        case lost
    }

    public var kind: String
    public var outcome: Outcome
    public var duration: Duration
}
