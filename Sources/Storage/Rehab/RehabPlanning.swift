public import Clinical
public import Foundation
import Rehabilitation

/// The planning use case: export the clinic's week as it stands now, store the plan and queue
/// its solve as a durable job (for a re-plan, with the booked sessions that may still move);
/// the solve, run by any instance's `JobWorker`, records its progress and result in the plan.
public struct RehabPlanning: Sendable {
    public let plans: RehabPlans
    private let resources: RehabResources

    public init(plans: RehabPlans, resources: RehabResources) {
        self.plans = plans
        self.resources = resources
    }

    /// Plans the clinic's week starting Monday `week` for `seconds` of search. With `replan`,
    /// re-plans the booked week moving as little as it can, from `fromDay` (0 = Monday; default
    /// today in this week, else 0). Returns the queued plan.
    public func plan(clinic: UUID, week: CalendarDay, seconds: Int, replan: Bool, fromDay: Int?, as context: AccessContext) async throws -> RehabPlan {
        try context.requireActing(for: clinic)
        if let fromDay, !(0...6).contains(fromDay) { throw Refusal.invalid("fromDay", "must be 0 to 6") }
        let export = try await plans.transfer.exportWeek(clinic: clinic, week: week, notBefore: Date(), as: context)
        var solve = PlanSolveJob.Parameters()
        if replan {
            let today = week.days(to: try await resources.settings(clinic, as: context).local(Date()).day)
            solve.replan = .init(booked: try await plans.bookedRows(clinic: clinic, week: week, as: context), fromDay: fromDay ?? min(max(today, 0), 6))
        }
        let id = try await plans.queue(clinic: clinic, week: week, seconds: seconds, export: export, solve: solve, as: context)
        guard let plan = try await plans.plan(id, as: context) else { throw Refusal.unknownPlan }
        return plan
    }
}
