public import Foundation
public import Logging
public import Rehabilitation

/// A stored plan's solve to run: a plan from nothing, or a re-plan of the booked rows from a day on.
public struct PlanSolve: Sendable {
    public var plan: UUID
    public var week: RehabWeek
    public var seconds: Int
    public var replan: (booked: [ScheduleRow], fromDay: Int)?
    public var context: AccessContext
}

/// Where queued solves go. Today a queue in this process (`PlanRunner`); the seam for a
/// durable job table that any instance can take over.
public protocol PlanSolveQueue: Sendable {
    func enqueue(_ solve: PlanSolve) async
}

/// Runs weekly solves in the background, one at a time on a thread of their own (the
/// server's cooperative threads stay free), recording progress in the plan's row about every
/// half second, then the schedule, score and unplaced sessions.
public actor PlanRunner: PlanSolveQueue {
    private let plans: RehabPlans
    private let logger: Logger
    private var queue: [PlanSolve] = []
    private var running = false

    public init(plans: RehabPlans, logger: Logger) {
        self.plans = plans
        self.logger = logger
    }

    /// Queues a stored plan's solve; it starts when the solves before it are done.
    public func enqueue(_ job: PlanSolve) {
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

    private func run(_ job: PlanSolve) async {
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
