import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule explain`: why prescribed sessions are missing from a schedule.
struct ScheduleExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "List the prescribed sessions a schedule leaves out, with the rule that blocks each, per day."
    )

    @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
    @Argument(help: "The schedule ({\"sessions\": [...]}).") var schedule: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let week = try ScheduleInput.week(instance)
        let fileRows = try ScheduleInput.rows(schedule)
        let score = ScheduleScorer(week: week).score(fileRows)
        if !score.feasible {
            Console.note("warning: the schedule has \(score.hardTotal) hard violations; rows that break a rule are left out of the explanation")
        }
        let unplaced = try ScheduleInput.solver(week, instance).explain(fileRows.compactMap(ScheduleRow.init))
        if json {
            let list: [[String: Any]] = unplaced.map { item in
                [
                    "prescription": item.prescription, "patient": item.patient, "modality": item.modality, "prescribed": item.prescribed,
                    "missing": item.missing, "reason": item.reason.rawValue, "explanation": item.reason.english,
                    "days": Dictionary(uniqueKeysWithValues: zip(week.days.map(\.name), item.days.map(\.rawValue))),
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: ["instance": week.name, "unplaced": list], options: [.sortedKeys])
            Console.line(String(decoding: data, as: UTF8.self))
            return
        }
        let missing = unplaced.reduce(0) { $0 + $1.missing }
        Console.line("instance \(week.name): \(missing) prescribed sessions unplaced, in \(unplaced.count) prescriptions")
        for item in unplaced {
            Console.line("\(item.prescription) \(item.patient) \(item.modality): \(item.missing) of \(item.prescribed) unplaced — \(item.reason.english)")
            Console.line("    " + zip(week.days, item.days).map { "\($0.name): \($1.rawValue)" }.joined(separator: ", "))
        }
    }
}
