import ArgumentParser
import Clinical
import Foundation
import Logging
import Postgres
import ProtocolLibrary
import Rehabilitation
import Storage

/// The clinic and week a database-backed `schedule` command works on, and the connection it
/// works through: the application's database role, acting as a rehab coordinator of the clinic.
struct ScheduleClinicOptions: ParsableArguments {
    @Option(help: "The clinic: its organisation code (DEMO-REHAB) or id.") var clinic: String
    @Option(help: "The week's Monday, YYYY-MM-DD.") var week: String

    func validate() throws {
        guard let day = CalendarDay(week) else { throw ValidationError("--week must be a day YYYY-MM-DD") }
        guard day.weekday == 0 else { throw ValidationError("--week must be a Monday; \(week) is not") }
    }

    func monday() throws -> CalendarDay {
        guard let day = CalendarDay(week) else { throw ValidationError("--week must be a day YYYY-MM-DD") }
        return day
    }

    /// Runs `body` with the clinic's bookings and the context that acts for it; an unknown
    /// clinic ends the command with exit code 2.
    func withClinic<Result: Sendable>(_ body: (RehabScheduleTransfer, UUID, AccessContext) async throws -> Result) async throws -> Result {
        let catalogue = try ResourceLocator.protocols().rehabCatalogue()
        let logger = Console.bootstrapLogging()
        return try await PostgresPool.withPool(
            settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 2),
            logger: logger
        ) { pool in
            guard let id = try await RehabResources(pool: pool).organisation(clinic) else {
                Console.note("no organisation with code or id \(clinic)")
                throw ExitCode(2)
            }
            let context = AccessContext(
                subject: "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")", role: "rehab_coordinator",
                organisations: [id])
            return try await body(RehabScheduleTransfer(sessions: RehabSessions(pool: pool, catalogue: catalogue)), id, context)
        }
    }
}
