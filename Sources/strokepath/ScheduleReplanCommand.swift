import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule replan`: re-plans a published week after a change, moving as little
/// as it can.
struct ScheduleReplanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replan",
        abstract:
            "Re-plan a published week after a change (the instance as it now is: a sick therapist's shifts removed, a cancelled patient's availability removed, a new admission added). Writes the new schedule to stdout and what moved to stderr."
    )

    @Argument(help: "The instance as it now is (rehab-week/1 JSON).") var instance: String
    @Argument(help: "The published schedule.") var published: String
    @Option(help: "First day (index) that may change; earlier days are kept as they were.") var fromDay = 0
    @Option(help: "Objective cost of moving or dropping one published row (score.py's units; a 45-minute session of a priority-1 patient is worth 450).")
    var moveWeight = WeeklySolver.defaultMoveWeight
    @Flag(help: "Move no published row that still fits; place only the displaced and the new sessions around them.") var keepPublished = false
    @OptionGroup var search: SearchOptions

    func validate() throws {
        guard fromDay >= 0 else { throw ValidationError("--from-day must not be negative") }
        guard (0...1_000_000).contains(moveWeight) else { throw ValidationError("--move-weight must be between 0 and 1000000") }
    }

    func run() async throws {
        let week = try ScheduleInput.week(instance)
        let rows = try ScheduleInput.rows(published)
        let solver = try ScheduleInput.solver(week, instance)
        let replan = solver.replan(
            rows.compactMap(ScheduleRow.init), firstOpenDay: fromDay, moveWeight: moveWeight, keepPublished: keepPublished, search.solverOptions,
            progress: ScheduleInput.progress)
        FileHandle.standardOutput.write(ScheduleFile.document(instance: week.name, solver: "strokepath replan", rows: replan.result.rows))
        ScheduleInput.summary(replan.result)
        Console.note(
            "kept \(replan.kept.count) published rows; \(replan.displaced.count) no longer fit; removed or moved \(replan.removed.count); added \(replan.added.count)"
        )
        for row in replan.removed { Console.note("  - \(row.describe(in: week))") }
        for row in replan.added { Console.note("  + \(row.describe(in: week))") }
    }
}
