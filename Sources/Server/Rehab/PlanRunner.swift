import Foundation
import Logging
import Rehabilitation
import Storage

/// Runs weekly solves in the background, one at a time on a thread of their own (the
/// server's cooperative threads stay free), recording progress in the plan's row about every
/// half second, then the schedule, score and unplaced sessions.
actor PlanRunner {
    private let plans: RehabPlans
    private let logger: Logger
    /// A solve to run: a plan from nothing, or a re-plan of the booked rows from a day on.
    struct Job: Sendable {
        var plan: UUID
        var week: RehabWeek
        var seconds: Int
        var replan: (booked: [ScheduleRow], fromDay: Int)?
        var context: AccessContext
    }

    private var queue: [Job] = []
    private var running = false

    init(plans: RehabPlans, logger: Logger) {
        self.plans = plans
        self.logger = logger
    }

    /// Queues a stored plan's solve; it starts when the solves before it are done.
    func enqueue(_ job: Job) {
        queue.append(job)
        guard !running else { return }
        running = true
        Task { await drain() }
    }

    private func drain() async {
        while !queue.isEmpty {
            await run(queue.removeFirst())
        }
        running = false
    }

    private func run(_ job: Job) async {
        let plan = job.plan
        let week = job.week
        let seconds = job.seconds
        let context = job.context
        do {
            let solver = try WeeklySolver(week: week)
            let (updates, continuation) = AsyncStream.makeStream(of: WeeklySolver.Progress.self, bufferingPolicy: .bufferingNewest(1))
            let plans = self.plans
            let recorder = Task {
                var last = -1.0
                for await update in updates where update.seconds - last >= 0.5 {
                    last = update.seconds
                    try? await plans.progress(plan, fraction: update.seconds / Double(seconds), objective: update.objective, as: context)
                }
            }
            let replan = job.replan
            let (result, changes) = await withCheckedContinuation { (done: CheckedContinuation<(WeeklySolver.Result, PlanChanges?), Never>) in
                Thread {
                    let options = WeeklySolver.Options(seconds: Double(seconds), seed: 1, threads: 1)
                    if let replan {
                        let outcome = solver.replan(replan.booked, firstOpenDay: replan.fromDay, moveWeight: WeeklySolver.defaultMoveWeight, options) {
                            continuation.yield($0)
                        }
                        done.resume(returning: (outcome.result, PlanChanges(outcome, week: week)))
                    } else {
                        done.resume(returning: (solver.solve(options) { continuation.yield($0) }, nil))
                    }
                    continuation.finish()
                }.start()
            }
            await recorder.value
            try await plans.finish(plan, result: result, week: week, changes: changes, as: context)
        } catch {
            logger.error("plan \(plan) failed: \(error)")
            try? await plans.fail(plan, error: "\(error)", as: context)
        }
    }
}
