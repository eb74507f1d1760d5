import ArgumentParser
import Foundation
import Rehabilitation
import Storage

/// `strokepath schedule export`: a clinic's week from the database as a `rehab-week/1` instance.
struct ScheduleExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a clinic's week from the database as a rehab-week/1 instance (JSON on standard output or --output).",
        discussion:
            "Rooms with their hours, active therapists' shifts less leave, the week's patients (by pseudonym) with availability and prescriptions, and the modality catalogue. Nobody is free before now, so no plan books the past. Sessions booked by hand, in a series or attended are planned around (their times taken, counted against the prescription); sessions of earlier plans are not: import with --replace to replace them."
    )

    @OptionGroup var clinic: ScheduleClinicOptions
    @Option(name: .shortAndLong, help: "Write the instance to this file.") var output: String?

    func run() async throws {
        let week = try clinic.monday()
        let export = try await clinic.withClinic { transfer, id, context in
            try await transfer.exportWeek(clinic: id, week: week, notBefore: Date(), as: context)
        }
        if let output {
            try export.document.write(to: URL(fileURLWithPath: output))
        } else {
            Console.line(String(decoding: export.document, as: UTF8.self))
        }
        Console.note(
            "exported \(export.week.name): \(export.week.patients.count) patients, \(export.week.prescriptions.count) prescriptions, "
                + "\(export.week.therapists.count) therapists, \(export.week.rooms.count) rooms")
    }
}
