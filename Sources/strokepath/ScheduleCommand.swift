import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule …`: weekly rehabilitation timetables in the `rehab-week/1` format.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Weekly rehabilitation timetables (rehab-week/1).",
        subcommands: [Score.self]
    )

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a schedule against its instance: hard violations by kind, soft terms, objective (as bench/rehab/score.py). Exit 0 feasible, 1 infeasible, 2 unreadable."
        )

        @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
        @Argument(help: "The schedule ({\"sessions\": [...]}).") var schedule: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let week: RehabWeek
            let rows: [ScheduleScorer.Row]
            do {
                week = try RehabWeek.decode(try Data(contentsOf: URL(fileURLWithPath: instance)))
                rows = try ScheduleFile.rows(from: try Data(contentsOf: URL(fileURLWithPath: schedule)))
            } catch {
                FileHandle.standardError.write(Data("cannot read input: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let result = ScheduleScorer(week: week).score(rows)
            if json {
                let object: [String: Any] = ["instance": week.name, "feasible": result.feasible, "hard": result.hard,
                                             "hard_total": result.hardTotal, "soft": result.soft, "objective": result.objective]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                Console.line(String(decoding: data, as: UTF8.self))
            } else {
                Console.line("instance \(week.name): \(result.feasible ? "FEASIBLE" : "INFEASIBLE") (\(result.hardTotal) hard violations)")
                for kind in ScheduleScore.hardKinds where (result.hard[kind] ?? 0) > 0 { Console.line("  hard \(kind) \(result.hard[kind] ?? 0)") }
                Console.line("objective \(result.objective)")
                for term in ScheduleScore.softTerms { Console.line("  soft \(term) \(result.soft[term] ?? 0)") }
            }
            if !result.feasible { throw ExitCode(1) }
        }
    }
}
