import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule score`: score.py's check and breakdown of a schedule.
struct ScheduleScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract:
            "Check a schedule against its instance: hard violations by kind, soft terms, objective and KPIs, as bench/rehab/score.py prints them. Exit 0 feasible, 1 infeasible, 2 unreadable."
    )

    @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
    @Argument(help: "The schedule ({\"sessions\": [...]}).") var schedule: String
    @Flag(help: "Print the result as JSON (score.py --json).") var json = false
    @Option(help: "Examples per violation kind.") var details = 3

    func validate() throws {
        guard (0...1_000).contains(details) else { throw ValidationError("--details must be between 0 and 1000") }
    }

    func run() async throws {
        let week = try ScheduleInput.week(instance)
        let rows = try ScheduleInput.rows(schedule)
        let result = ScheduleScorer(week: week).score(rows, details: details)
        if json {
            let soft = Dictionary(
                uniqueKeysWithValues: ScheduleScore.softTerms.map { term in
                    let raw = result.soft[term] ?? 0
                    let weight = week.weights.weight(of: term)
                    return (term, ["raw": raw, "weight": weight, "weighted": raw * weight])
                })
            let kpi = Dictionary(
                uniqueKeysWithValues: ScheduleScore.kpiNames.map { name -> (String, Any) in
                    let value = result.kpi[name] ?? 0
                    return (name, ScheduleScore.fractionKPIs.contains(name) ? value as Any : Int(value) as Any)
                })
            var object: [String: Any] = [
                "instance": week.name, "feasible": result.feasible, "hard": result.hard, "hard_total": result.hardTotal,
                "soft": soft, "objective": result.objective, "kpi": kpi,
            ]
            if details > 0 { object["examples"] = result.examples }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Console.line(String(decoding: data, as: UTF8.self))
        } else {
            Console.line("instance \(week.name): \(result.feasible ? "FEASIBLE" : "INFEASIBLE") (\(result.hardTotal) hard violations)")
            for kind in ScheduleScore.hardKinds where (result.hard[kind] ?? 0) > 0 {
                Console.line("  hard \(kind.padding(24)) \(result.hard[kind] ?? 0)")
                for example in result.examples[kind] ?? [] { Console.line("      e.g. \(example)") }
            }
            Console.line("objective \(result.objective)")
            for term in ScheduleScore.softTerms {
                let raw = result.soft[term] ?? 0
                let weight = week.weights.weight(of: term)
                Console.line("  soft \(term.padding(28)) raw \(String(raw).leftPadding(8)) x \(String(weight).leftPadding(3)) = \(raw * weight)")
            }
            for name in ScheduleScore.kpiNames {
                let value = result.kpi[name] ?? 0
                Console.line("  kpi  \(name.padding(28)) \(ScheduleScore.fractionKPIs.contains(name) ? "\(value)" : "\(Int(value))")")
            }
        }
        if !result.feasible { throw ExitCode(1) }
    }
}

extension String {
    /// Left-aligned in `width` columns (Python's `{:Ns}`).
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    /// Right-aligned in `width` columns (Python's `{:>N}`).
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
