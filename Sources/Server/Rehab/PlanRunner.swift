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
    private var queue: [(plan: UUID, week: RehabWeek, seconds: Int, context: AccessContext)] = []
    private var running = false

    init(plans: RehabPlans, logger: Logger) {
        self.plans = plans
        self.logger = logger
    }

    /// Queues a stored plan's solve; it starts when the solves before it are done.
    func enqueue(_ plan: UUID, week: RehabWeek, seconds: Int, as context: AccessContext) {
        queue.append((plan, week, seconds, context))
        guard !running else { return }
        running = true
        Task { await drain() }
    }

    private func drain() async {
        while !queue.isEmpty {
            let job = queue.removeFirst()
            await run(job.plan, week: job.week, seconds: job.seconds, as: job.context)
        }
        running = false
    }

    private func run(_ plan: UUID, week: RehabWeek, seconds: Int, as context: AccessContext) async {
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
            let result = await withCheckedContinuation { (done: CheckedContinuation<WeeklySolver.Result, Never>) in
                Thread {
                    done.resume(returning: solver.solve(.init(seconds: Double(seconds), seed: 1, threads: 1)) { continuation.yield($0) })
                    continuation.finish()
                }.start()
            }
            await recorder.value
            try await plans.finish(plan, result: result, week: week, as: context)
        } catch {
            logger.error("plan \(plan) failed: \(error)")
            try? await plans.fail(plan, error: "\(error)", as: context)
        }
    }
}
