import Foundation
import Rehabilitation
import Synchronization

/// A stored plan's solve, as a durable job: from nothing, or a re-plan of the booked rows
/// from a day on. Solves on a thread of its own (the server's cooperative threads stay free),
/// recording progress in the plan's row about every half second, then the schedule, score and
/// unplaced sessions. Run again after its worker died, it solves again from the stored instance.
struct PlanSolveJob: JobHandler {
    static let kind = "plan_solve"
    /// Three attempts; a statement of a solve's (progress, result) never needs more than 30 s.
    static let policy = JobPolicy(attempts: 3, statementTimeout: .seconds(30))

    /// A job's parameters: for a re-plan, the booked rows that may move and the first day that may change.
    struct Parameters: Codable, Sendable {
        var replan: Replan?

        struct Replan: Codable, Sendable {
            var booked: [ScheduleRow]
            var fromDay: Int
        }
    }

    let plans: RehabPlans
    var kind: String { Self.kind }

    func run(_ job: ClaimedJob) async throws {
        guard let input = try await plans.solveInput(job.target, as: job.context) else { return }
        let parameters = try JSONDecoder().decode(Parameters.self, from: job.parameters)
        let solver = try WeeklySolver(week: input.week)
        let (updates, progress) = AsyncStream.makeStream(of: WeeklySolver.Progress.self, bufferingPolicy: .bufferingNewest(1))
        let recorder = Task { [plans] in
            var last = -1.0
            for await update in updates where update.seconds - last >= 0.5 {
                last = update.seconds
                try? await plans.progress(job.target, fraction: update.seconds / Double(input.seconds), objective: update.objective, as: job.context)
            }
        }
        defer { recorder.cancel() }
        let (result, changes) = try await Self.onThread { () -> (WeeklySolver.Result, PlanChanges?) in
            let options = WeeklySolver.Options(seconds: Double(input.seconds), seed: 1, threads: 1)
            defer { progress.finish() }
            if let replan = parameters.replan {
                let outcome = solver.replan(replan.booked, firstOpenDay: replan.fromDay, moveWeight: WeeklySolver.defaultMoveWeight, options) {
                    progress.yield($0)
                }
                return (outcome.result, PlanChanges(outcome, week: input.week))
            }
            return (solver.solve(options) { progress.yield($0) }, nil)
        }
        await recorder.value
        try await plans.finish(job.target, result: result, week: input.week, changes: changes, as: job.context)
    }

    func abandon(_ job: ClaimedJob, reason: String) async throws {
        try await plans.fail(job.target, error: reason, as: job.context)
    }

    /// Runs `work` on a thread of its own. Cancelled, it returns at once with `CancellationError`
    /// (the thread finishes its search unobserved).
    private static func onThread<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        let waiting = Waiting<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.slot.withLock { $0 = continuation }
                guard !Task.isCancelled else { return waiting.resume(with: .failure(CancellationError())) }
                Thread { waiting.resume(with: .success(work())) }.start()
            }
        } onCancel: {
            waiting.resume(with: .failure(CancellationError()))
        }
    }

    /// A continuation resumed once, by whichever comes first: the thread's result or cancellation.
    private final class Waiting<Result: Sendable>: Sendable {
        let slot = Mutex<CheckedContinuation<Result, any Error>?>(nil)

        func resume(with result: Swift.Result<Result, any Error>) {
            slot.withLock { $0.take() }?.resume(with: result)
        }
    }
}
