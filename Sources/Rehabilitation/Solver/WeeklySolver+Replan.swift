extension WeeklySolver {
    /// The objective cost of moving or dropping one published row when re-planning, in
    /// score.py's units (a 45-minute session of a priority-1 patient is worth 450): moving a
    /// booked session must buy more than it costs the patient to be told.
    public static let defaultMoveWeight = 500

    /// A re-planned week and how it differs from the published one.
    public struct Replan: Sendable {
        public var result: Result
        /// Published rows the new plan keeps unchanged.
        public var kept: [ScheduleRow]
        /// Published rows it drops or changes (the session moved, changed therapist or room,
        /// or was cancelled).
        public var removed: [ScheduleRow]
        /// Rows it adds.
        public var added: [ScheduleRow]
        /// Published rows that no longer fit the changed instance.
        public var displaced: [ScheduleRow]
    }

    /// Re-plans a published week after a change expressed in this instance (a therapist's
    /// shifts removed for sickness, a patient's availability for a cancellation, a new
    /// patient with prescriptions): keeps what still fits, never changes days before
    /// `firstOpenDay`, and minimises score.py's objective plus `moveWeight` for every
    /// published row that moves or goes. With `keepPublished`, no published row that still
    /// fits moves at all: only the displaced and the new sessions are placed around them.
    public func replan(
        _ published: [ScheduleRow], firstOpenDay: Int, moveWeight: Int, keepPublished: Bool = false, _ options: Options,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) -> Replan {
        let resolved = PlanState.resolve(published, model: model)
        var start = PlanState(
            model: model,
            pins: PlanState.Pins(
                published: Set(resolved.compactMap { $0 }), moveWeight: max(0, moveWeight),
                firstOpenDay: max(0, firstOpenDay), keepPublished: keepPublished))
        let left = start.load(resolved)
        let result = search(from: start, options, progress: progress)
        let before = Set(published)
        let after = Set(result.rows)
        return Replan(
            result: result,
            kept: published.filter { after.contains($0) },
            removed: published.filter { !after.contains($0) },
            added: result.rows.filter { !before.contains($0) },
            displaced: left.map { published[$0] })
    }
}
