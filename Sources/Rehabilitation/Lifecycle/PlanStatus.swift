/// A weekly plan's life: queued → running → done | failed; done → published | discarded;
/// failed → discarded. A plan whose solve failed, or was given up after its workers died
/// (its durable job ran out of attempts), fails.
///
/// The store's guarded updates (`UPDATE … WHERE status = ANY(…)`) take their statuses from
/// here, so the database can only move a plan along these arrows.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, done, failed, published, discarded

    /// What can happen to a plan.
    public enum Event: Sendable, CaseIterable {
        /// The solver reports progress (the first report starts it).
        case progress
        /// The solve ends with a schedule.
        case finish
        /// The solve fails or is interrupted.
        case fail
        /// The schedule is booked.
        case publish
        /// The coordinator drops the plan.
        case discard
    }

    /// The status after `event`, or nil when `event` cannot happen in this status.
    public func after(_ event: Event) -> PlanStatus? {
        switch (self, event) {
        case (.queued, .progress), (.running, .progress): .running
        case (.queued, .finish), (.running, .finish): .done
        case (.queued, .fail), (.running, .fail): .failed
        case (.done, .publish): .published
        case (.done, .discard), (.failed, .discard): .discarded
        default: nil
        }
    }

    /// Every status in which `event` can happen.
    public static func from(_ event: Event) -> [PlanStatus] {
        allCases.filter { $0.after(event) != nil }
    }

    /// The raw values of `from(event)`, for a guarded update.
    public static func names(from event: Event) -> [String] {
        from(event).map(\.rawValue)
    }

    /// A plan in this status is still being solved.
    public var isSolving: Bool { self == .queued || self == .running }
}
