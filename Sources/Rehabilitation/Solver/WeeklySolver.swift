import Foundation

/// The weekly timetable solver for `rehab-week/1` (bench/rehab/problem.md): it never breaks
/// a hard constraint and minimises score.py's objective.
///
/// Anytime: it stops at the time limit (or the work limit) with the best plan found. Each
/// thread runs its own seeded search in epochs of a fixed amount of work; at the end of every
/// cooling cycle all threads restart from the best plan of all. The search is therefore a
/// deterministic function of (instance, seed, threads); a time limit only decides where it is
/// cut, and a work limit (`epochs`, with a generous time limit) makes the output
/// reproducible to the byte.
public struct WeeklySolver: Sendable {
    public struct Options: Sendable {
        /// Wall-clock limit, in seconds.
        public var seconds: Double
        public var seed: UInt64
        public var threads: Int
        /// Stop after this many epochs whatever the time (a reproducible work limit).
        public var epochs: Int?

        public init(seconds: Double = 10, seed: UInt64 = 1, threads: Int = 1, epochs: Int? = nil) {
            self.seconds = seconds
            self.seed = seed
            self.threads = threads
            self.epochs = epochs
        }
    }

    /// Where the search stands, for a progress display.
    public struct Progress: Sendable {
        public var seconds: Double
        public var objective: Int
        public var moves: Int
        public var evaluations: Int
    }

    public struct Result: Sendable {
        public var rows: [ScheduleRow]
        public var objective: Int
        /// Ruin-and-recreate moves and judged placements, over all threads.
        public var moves: Int
        public var evaluations: Int
        public var seconds: Double
        public var epochs: Int
    }

    let model: SolverModel
    /// The longest time limit taken (a week); longer ones are cut to it.
    static let longestRun = 604_800.0

    /// Compiles the instance; refuses one the solver cannot represent, naming the field.
    public init(week: RehabWeek) throws(RehabWeekError) {
        model = try SolverModel(week: week)
    }

    /// Plans the week from nothing.
    public func solve(_ options: Options, progress: (@Sendable (Progress) -> Void)? = nil) -> Result {
        search(from: PlanState(model: model), options, progress: progress)
    }

    func search(from start: PlanState, _ options: Options, progress: (@Sendable (Progress) -> Void)?) -> Result {
        let seconds = max(0, min(options.seconds, Self.longestRun))
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started.advanced(by: .seconds(seconds))
        func elapsed() -> Double {
            let duration = clock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let threads = max(1, options.threads)
        let workers = (0..<threads).map { index in
            WorkerBox(SearchWorker(model: model, start: start, seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index)))
        }
        Self.inParallel(workers) { $0.worker.construct() }
        var shared = Self.best(of: workers)
        progress?(Progress(seconds: elapsed(), objective: shared.objective, moves: 0, evaluations: 0))

        var epochs = 0
        var cycle = workers[0].worker.tuning.firstCycle
        var epochInCycle = 0
        let hot = workers[0].worker.tuning.hotTemperature
        let cold = workers[0].worker.tuning.coldTemperature
        while elapsed() < seconds, options.epochs.map({ epochs < $0 }) ?? true, shared.objective > 0 {
            let from = hot * pow(cold / hot, Double(epochInCycle) / Double(cycle))
            let to = hot * pow(cold / hot, Double(epochInCycle + 1) / Double(cycle))
            Self.inParallel(workers) { $0.worker.run(work: $0.worker.tuning.epochWork, fromTemperature: from, toTemperature: to, deadline: deadline) }
            epochs += 1
            epochInCycle += 1
            let best = Self.best(of: workers)
            if best.objective < shared.objective {
                shared = best
                progress?(
                    Progress(
                        seconds: elapsed(), objective: shared.objective,
                        moves: workers.reduce(0) { $0 + $1.worker.moves }, evaluations: workers.reduce(0) { $0 + $1.worker.evaluations }))
            }
            if epochInCycle == cycle {
                for box in workers { box.worker.restart(from: shared) }
                epochInCycle = 0
                cycle *= 2
            }
        }
        // A last pass places anything that still fits in the best plan.
        var finisher = workers[0].worker
        finisher.restart(from: shared)
        finisher.fill(noise: 0)
        if finisher.objective < shared.objective { shared = PlanSnapshot(finisher.plan) }
        return Result(
            rows: Self.rows(shared, model: model), objective: finisher.plan.scheduleObjective,
            moves: workers.reduce(0) { $0 + $1.worker.moves }, evaluations: workers.reduce(0) { $0 + $1.worker.evaluations },
            seconds: elapsed(), epochs: epochs)
    }

    /// The best plan of all workers; ties go to the lowest thread.
    private static func best(of workers: [WorkerBox]) -> PlanSnapshot {
        var best = workers[0].worker.best
        for box in workers.dropFirst() where box.worker.best.objective < best.objective { best = box.worker.best }
        return best
    }

    /// Runs `body` once per worker, each on its own thread.
    private static func inParallel(_ workers: [WorkerBox], _ body: @escaping @Sendable (WorkerBox) -> Void) {
        if workers.count == 1 {
            body(workers[0])
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers.count) { body(workers[$0]) }
    }

    static func rows(_ snapshot: PlanSnapshot, model: SolverModel) -> [ScheduleRow] {
        let week = model.week
        var rows: [ScheduleRow] = []
        for session in snapshot.sessions.sorted(by: { ($0.day, $0.start, $0.room, $0.therapist) < ($1.day, $1.start, $1.room, $1.therapist) }) {
            for x in session.members.sorted() {
                rows.append(
                    ScheduleRow(
                        patient: week.patients[model.rxPatient[x]].id, modality: week.modalities[session.modality].id,
                        therapist: session.therapist >= 0 ? week.therapists[session.therapist].id : nil,
                        room: week.rooms[session.room].id, day: session.day, start: session.start, length: session.length))
            }
        }
        return rows
    }
}

/// A worker handed to one thread per epoch. Unchecked: in each epoch exactly one thread
/// touches a box, and `concurrentPerform` returns only when all are done.
private final class WorkerBox: @unchecked Sendable {
    var worker: SearchWorker

    init(_ worker: SearchWorker) { self.worker = worker }
}
