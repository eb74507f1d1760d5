import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Postgres
import Prometheus
import ProtocolLibrary
import Server
import ServiceLifecycle
import Storage
import Tracing
import UnixSignals

#if OpenTelemetry
    import OTel
#endif

/// `strokepath serve`: runs the HTTP service until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service.",
        discussion: """
            Refuses to start while the database schema is behind this build (run \
            `strokepath migrate`, or pass --migrate). Stops gracefully on SIGTERM or SIGINT.
            """
    )

    @Option(help: "Port to listen on (default: PORT, else 8080).") var port: Int?
    @Option(help: "Address to listen on (default: HOST, else 127.0.0.1).") var host: String?
    @Flag(help: "Apply pending migrations (as the schema owner) before serving.") var migrate = false

    func run() async throws {
        let logger = Console.bootstrapLogging()
        let environment = ProcessInfo.processInfo.environment
        let settings = ServeSettings(environment, host: host, port: port)
        let (configuration, migrationsDirectory) = try settings.checked()
        if let file = SettingsFile.locate(environment) {
            logger.info("settings read from the environment, then \(file)")
        }
        let migrations = try MigrationSet(directory: migrationsDirectory)
        if migrate {
            let report = try await PostgresPool.withPool(
                settings: settings.database.owner, configuration: .init(maximumConnections: 1), logger: logger
            ) { owner in
                try await Migrator(pool: owner, logger: logger).apply(migrations)
            }
            logger.info("migrations applied", metadata: ["count": "\(report.applied.count)"])
        }
        try await checkSchema(migrations, settings: settings.database.application, logger: logger)
        if configuration.authentication.isDevelopment {
            logger.warning(
                "DEVELOPMENT MODE: the API accepts tokens signed with the local development key; configure the hospital's identity provider (STROKEPATH_OIDC_ISSUER and the client) for real use"
            )
        }
        logger.info("starting", metadata: ["database": .string(settings.database.summary), "port": "\(configuration.port)"])
        // The tracer first: the router takes the process's tracer when it is built.
        let tracing = try Self.tracing()
        let app = try await buildApplication(configuration: configuration, logger: logger, metrics: PrometheusCollectorRegistry())
        // The exporter stops after the server (a group stops its services last to first): the
        // spans of the requests it drains are sent.
        let services: [any Service] = tracing + [app]
        try await ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        ).run()
    }

    #if OpenTelemetry
        /// Traces exported over OTLP/HTTP to the collector that OpenTelemetry's own variables name
        /// (`OTEL_EXPORTER_OTLP_ENDPOINT`, default http://localhost:4318; `OTEL_EXPORTER_OTLP_PROTOCOL`
        /// http/protobuf or http/json; `OTEL_SDK_DISABLED=true` turns them off). Only the tracer is
        /// bootstrapped: logs and metrics stay the service's own, whatever the variables say.
        private static func tracing() throws -> [any Service] {
            if ProcessInfo.processInfo.environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return [] }
            var configuration = OTel.Configuration.default
            configuration.serviceName = "strokepath"
            configuration.traces.otlpExporter.protocol = .httpProtobuf
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            return [backend.service]
        }
    #else
        /// No traces leave the process in a build without the OpenTelemetry trait.
        private static func tracing() throws -> [any Service] { [] }
    #endif

    /// Refuses to serve a schema that is behind or changed; a database that cannot be
    /// reached yet is allowed (readiness reports it until it answers).
    private func checkSchema(_ migrations: MigrationSet, settings: PostgresConnectionSettings, logger: Logger) async throws {
        let statuses: [(migration: MigrationSet.Migration, status: Migrator.Status)]
        do {
            statuses = try await PostgresPool.withPool(settings: settings, configuration: .init(maximumConnections: 1), logger: logger) { pool in
                try await Migrator(pool: pool, logger: logger).status(migrations)
            }
        } catch let error as PostgresError where error.isConnectionLoss {
            logger.warning("database not reachable at start-up; serving, /health/ready will say when it is", metadata: ["error": "\(error)"])
            return
        }
        let behind = statuses.filter { $0.status != .applied }.map { "\($0.migration.name) (\($0.status))" }
        guard behind.isEmpty else {
            throw SchemaNotCurrent(migrations: behind)
        }
    }
}

/// The database is behind (or differs from) the migrations this build expects.
struct SchemaNotCurrent: Error, CustomStringConvertible {
    let migrations: [String]
    var description: String {
        "the database schema is not current: \(migrations.joined(separator: ", ")). Run `strokepath migrate` or pass --migrate."
    }
}
