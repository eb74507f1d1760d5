import ArgumentParser
import Logging
import Postgres
import Storage

/// `strokepath migrate`: applies pending migrations as the schema owner.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (as the schema owner).",
        discussion: "Each migration runs in its own transaction; an applied migration whose file changed is refused."
    )

    @Flag(help: "Only show each migration's status; change nothing.") var status = false

    func run() async throws {
        let logger = Console.bootstrapLogging()
        let migrations = try MigrationSet(directory: try ResourceLocator.migrations())
        let status = status
        try await PostgresPool.withPool(settings: DatabaseEnvironment().owner, configuration: .init(maximumConnections: 1), logger: logger) { pool in
            let migrator = Migrator(pool: pool, logger: logger)
            if status {
                for (migration, state) in try await migrator.status(migrations) {
                    Console.line("\(state)\t\(migration.name)")
                }
                return
            }
            let report = try await migrator.apply(migrations)
            for name in report.applied {
                Console.line("applied\t\(name)")
            }
            Console.line("database is up to date (\(report.alreadyApplied + report.applied.count) migrations, \(report.applied.count) applied now)")
        }
    }
}
