import ArgumentParser
import Foundation
import Logging
import Postgres
import Storage

/// `strokepath seed --demo`: loads the demo region.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load data into the database.",
        discussion: "--demo loads a small demo region (two hospitals, one rehabilitation clinic with therapists, rooms, a pool, bath cabins and a mud room, patients with prescriptions and a published plan of the current week, and recovery assessments to fit); loading it again changes nothing."
    )

    @Flag(help: "Load the demo region.") var demo = false

    func validate() throws {
        guard demo else { throw ValidationError("say what to load: --demo") }
    }

    func run() async throws {
        let logger = Console.bootstrapLogging()
        let catalogue = try ResourceLocator.rehabCatalogue()
        let (report, clinic, assessments) = try await PostgresPool.withPool(
            settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 1), logger: logger
        ) { pool in
            let report = try await DemoData.load(into: pool)
            Console.line("demo rehabilitation clinic: planning the current week …")
            let clinic = try await DemoClinic.load(into: pool, catalogue: catalogue, week: DemoClinic.monday(of: Date()), publishing: 3)
            return (report, clinic, try await DemoRecovery.load(into: pool))
        }
        Console.line("demo data: \(report.organisations) organisations, \(report.patients) patients, \(report.episodes) episodes added")
        Console.line("demo clinic: \(clinic.therapists) therapists, \(clinic.rooms) rooms, \(clinic.stays) stays, \(clinic.sessions) sessions booked, "
                     + "\(clinic.attendance) attendances recorded, \(clinic.waiting) on the waitlist, \(assessments) recovery assessments")
    }
}
