import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule …`: weekly rehabilitation timetables in the `rehab-week/1` format.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Weekly rehabilitation timetables (rehab-week/1).",
        subcommands: [Solve.self, Score.self]
    )

    struct Solve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan the week: writes a rehab-week/1 schedule to stdout, the objective over time to stderr."
        )

        @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
        @Option(help: "Time limit in seconds.") var seconds: Double = 10
        @Option(help: "Random seed: the same seed, threads and epochs give the same schedule.") var seed: UInt64 = 1
        @Option(help: "Search threads (1 or more).") var threads: Int = 1
        @Option(help: "Stop after this many epochs of fixed work (reproducible whatever the machine's speed).") var epochs: Int?

        func validate() throws {
            guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number") }
            guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
            if let epochs, epochs < 0 { throw ValidationError("--epochs must not be negative") }
        }

        func run() async throws {
            let week = try ScheduleInput.week(instance)
            let solver: WeeklySolver
            do {
                solver = try WeeklySolver(week: week)
            } catch {
                FileHandle.standardError.write(Data("cannot plan \(instance): \(error)\n".utf8))
                throw ExitCode(2)
            }
            let result = solver.solve(.init(seconds: seconds, seed: seed, threads: threads, epochs: epochs)) { progress in
                let line = String(format: "%7.2f s  objective %d  moves %d\n", progress.seconds, progress.objective, progress.moves)
                FileHandle.standardError.write(Data(line.utf8))
            }
            FileHandle.standardOutput.write(ScheduleFile.document(instance: week.name, solver: "strokepath \(seed)/\(threads)", rows: result.rows))
            let summary = String(format: "done: objective %d after %.2f s, %d moves, %d placements judged (%.1f M/s), %d epochs\n",
                                 result.objective, result.seconds, result.moves, result.evaluations,
                                 Double(result.evaluations) / max(result.seconds, 1e-9) / 1e6, result.epochs)
            FileHandle.standardError.write(Data(summary.utf8))
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a schedule against its instance: hard violations by kind, soft terms, objective (as bench/rehab/score.py). Exit 0 feasible, 1 infeasible, 2 unreadable."
        )

        @Argument(help: "The instance (rehab-week/1 JSON).") var instance: String
        @Argument(help: "The schedule ({\"sessions\": [...]}).") var schedule: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let week = try ScheduleInput.week(instance)
            let rows = try ScheduleInput.rows(schedule)
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

/// Reading the files of `schedule` commands; an unreadable or malformed file ends the
/// command with exit code 2 and a message naming the file and field.
enum ScheduleInput {
    static func week(_ path: String) throws -> RehabWeek {
        do {
            return try RehabWeek.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            FileHandle.standardError.write(Data("cannot read input \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    static func rows(_ path: String) throws -> [ScheduleScorer.Row] {
        do {
            return try ScheduleFile.rows(from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            FileHandle.standardError.write(Data("cannot read input \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
