import ArgumentParser
import Foundation
import Rehabilitation

/// `strokepath schedule …`: weekly rehabilitation timetables in the `rehab-week/1` format.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Weekly rehabilitation timetables (rehab-week/1).",
        subcommands: [
            ScheduleSolveCommand.self, ScheduleScoreCommand.self, ScheduleExplainCommand.self, ScheduleReplanCommand.self,
            ScheduleExportCommand.self, ScheduleImportCommand.self,
        ]
    )
}

/// Reading and writing the files of `schedule` commands; an unreadable or malformed file
/// ends the command with exit code 2 and a message naming the file and field.
enum ScheduleInput {
    static func week(_ path: String) throws -> RehabWeek {
        do {
            return try RehabWeek.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw fail("cannot read input \(path): \(error)")
        }
    }

    static func rows(_ path: String) throws -> [ScheduleScorer.Row] {
        do {
            return try ScheduleFile.rows(from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw fail("cannot read input \(path): \(error)")
        }
    }

    static func solver(_ week: RehabWeek, _ path: String) throws -> WeeklySolver {
        do {
            return try WeeklySolver(week: week)
        } catch {
            throw fail("cannot plan \(path): \(error)")
        }
    }

    /// Prints the search's progress (objective over time) on standard error.
    @Sendable static func progress(_ progress: WeeklySolver.Progress) {
        Console.note(String(format: "%7.2f s  objective %d  moves %d", progress.seconds, progress.objective, progress.moves))
    }

    static func summary(_ result: WeeklySolver.Result) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        Console.note(
            String(
                format: "done: objective %d after %.2f s; %d moves (%.0f/s), %d placements judged (%.2f M/s), %d epochs; peak memory %.0f MB",
                result.objective, result.seconds, result.moves, Double(result.moves) / max(result.seconds, 1e-9), result.evaluations,
                Double(result.evaluations) / max(result.seconds, 1e-9) / 1e6, result.epochs, Double(usage.ru_maxrss) / 1024))
    }

    private static func fail(_ message: String) -> ExitCode {
        Console.note(message)
        return ExitCode(2)
    }
}

/// Search limits shared by `solve` and `replan`.
struct SearchOptions: ParsableArguments {
    @Option(help: "Time limit in seconds.") var seconds: Double = 10
    @Option(help: "Random seed: the same seed and threads give the same search.") var seed: UInt64 = 1
    @Option(help: "Search threads.") var threads: Int = 1
    @Option(help: "Stop after this many epochs of fixed work: the same schedule on any machine (give --seconds enough room).") var epochs: Int?

    func validate() throws {
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be a positive number of seconds, at most 86400") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        if let epochs, epochs < 0 { throw ValidationError("--epochs must not be negative") }
    }

    var solverOptions: WeeklySolver.Options { .init(seconds: seconds, seed: seed, threads: threads, epochs: epochs) }
}
