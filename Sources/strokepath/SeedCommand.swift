import ArgumentParser
import Logging
import Postgres
import Storage

/// `strokepath seed --demo`: loads the demo region.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load data into the database.",
        discussion: "--demo loads a small demo region (two hospitals, one rehabilitation clinic); loading it again changes nothing."
    )

    @Flag(help: "Load the demo region.") var demo = false

    func validate() throws {
        guard demo else { throw ValidationError("say what to load: --demo") }
    }

    func run() async throws {
        let logger = Console.bootstrapLogging()
        let report = try await PostgresPool.withPool(
            settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 1), logger: logger
        ) { pool in
            try await DemoData.load(into: pool)
        }
        Console.line("demo data: \(report.organisations) organisations, \(report.patients) patients, \(report.episodes) episodes added")
    }
}
