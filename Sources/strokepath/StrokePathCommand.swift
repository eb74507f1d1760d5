import ArgumentParser
import Foundation

/// `strokepath`: the service and its operations from the command line.
@main
struct StrokePathCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strokepath",
        abstract: "StrokePath: stroke care and rehabilitation planning.",
        discussion: """
            The database comes from DATABASE_URL or libpq's PG* variables; with neither set, \
            the local cluster that `ops/db start` runs (127.0.0.1:54329, database strokepath). \
            Migrations connect as the schema owner: DATABASE_OWNER_URL, or the same settings \
            with user strokepath_owner.
            """,
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedCommand.self, AuditCommand.self, TokenCommand.self, AcuteCommand.self, ScheduleCommand.self,
            RecoveryCommand.self, ReportCommand.self, FHIRCommand.self, ConfigCommand.self,
        ]
    )

    /// Reads the settings file into the environment (where the environment has no such setting)
    /// before anything else runs, then the command.
    static func main() async {
        do {
            try SettingsFile.applyToEnvironment()
        } catch {
            FileHandle.standardError.write(Data("strokepath: \(error)\n".utf8))
            Foundation.exit(78)  // EX_CONFIG
        }
        await main(nil)
    }
}
