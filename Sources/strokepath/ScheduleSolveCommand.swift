import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule solve`: plans a week from its instance.
struct ScheduleSolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Plan the week: writes a rehab-week/1 schedule to stdout, the objective over time to stderr."
    )

    @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
    @OptionGroup var search: SearchOptions

    func run() async throws {
        let week = try ScheduleInput.week(instance)
        let solver = try ScheduleInput.solver(week, instance)
        let result = solver.solve(search.solverOptions, progress: ScheduleInput.progress)
        FileHandle.standardOutput.write(
            ScheduleFile.document(instance: week.name, solver: "strokepath seed \(search.seed), \(search.threads) threads", rows: result.rows))
        ScheduleInput.summary(result)
    }
}
