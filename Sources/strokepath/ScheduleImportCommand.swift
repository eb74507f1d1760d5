import ArgumentParser
import Clinical
import Foundation
import Rehabilitation
import Storage

/// `strokepath schedule import`: a solved schedule booked into the clinic's week, all or nothing.
struct ScheduleImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Book a solved schedule into a clinic's week in one transaction (all or nothing). Exit 0 booked, 1 refused, 2 unreadable.",
        discussion:
            "The schedule is checked against the clinic's week as exported now (score.py's rules) and refused if infeasible; the database then refuses any clash with bookings already made. --replace first cancels the week's unattended sessions of earlier plans."
    )

    @Argument(help: "The schedule ({\"sessions\": [...]}).") var schedule: String
    @OptionGroup var clinic: ScheduleClinicOptions
    @Flag(help: "Cancel the week's unattended sessions of earlier plans first.") var replace = false

    func run() async throws {
        let week = try clinic.monday()
        let rows = try ScheduleInput.rows(schedule).compactMap(ScheduleRow.init)
        let result = try await clinic.withClinic { transfer, id, context -> ScheduleImportResult in
            let export = try await transfer.exportWeek(clinic: id, week: week, notBefore: Date(), as: context)
            let score = ScheduleScorer(week: export.week).score(rows.map(ScheduleScorer.Row.init), details: 3)
            guard score.feasible else {
                Console.note("refused: the schedule breaks \(score.hardTotal) rules of \(export.week.name)")
                for (kind, examples) in score.examples.sorted(by: { $0.key < $1.key }) {
                    for example in examples { Console.note("  \(kind): \(example)") }
                }
                throw ExitCode(1)
            }
            do {
                return try await transfer.importSchedule(rows, clinic: id, week: week, replace: replace, as: context)
            } catch let refusal as Refusal {
                // A schedule naming what the clinic does not have is a bad file (2); a clash or a rule, a refusal (1).
                Console.note("refused: \(refusal) Nothing was booked.")
                throw ExitCode(refusal.code == .unknownReference && refusal.name == "invalid-body" ? 2 : 1)
            }
        }
        Console.line(
            "booked \(result.sessions) sessions with \(result.participants) patient places\(replace ? "; \(result.replaced) sessions of earlier plans cancelled" : "")"
        )
    }
}
