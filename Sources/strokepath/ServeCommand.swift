import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Postgres
import Prometheus
import ProtocolLibrary
import Server
import Storage
import UnixSignals

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
        let database = DatabaseEnvironment()
        let migrationsDirectory = try ResourceLocator.migrations()
        let migrations = try MigrationSet(directory: migrationsDirectory)
        if migrate {
            let report = try await PostgresPool.withPool(
                settings: database.owner, configuration: .init(maximumConnections: 1), logger: logger
            ) { owner in
                try await Migrator(pool: owner, logger: logger).apply(migrations)
            }
            logger.info("migrations applied", metadata: ["count": "\(report.applied.count)"])
        }
        try await checkSchema(migrations, settings: database.application, logger: logger)

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let authentication = try AuthenticationEnvironment.settings(environment)
        if !authentication.isDevelopment,
            let violation = DatabaseTLSPolicy.violation(in: database.application) ?? database.replica.flatMap(DatabaseTLSPolicy.violation)
        {
            throw InsecureDatabaseConnection(reason: violation)
        }
        if authentication.isDevelopment {
            logger.warning(
                "DEVELOPMENT MODE: the API accepts tokens signed with the local development key; configure the hospital's identity provider (STROKEPATH_OIDC_ISSUER and the client) for real use"
            )
        }
        let configuration = ServerConfiguration(
            host: host ?? environment["HOST"] ?? "127.0.0.1",
            port: try port ?? environment["PORT"].map(Self.parsePort) ?? 8080,
            database: database.application,
            replica: database.replica,
            migrationsDirectory: migrationsDirectory,
            authentication: authentication,
            rateLimit: try Self.rateLimit(environment),
            protocolsDirectory: try ResourceLocator.protocols().directory,
            spoolDirectory: URL(fileURLWithPath: environment["STROKEPATH_SPOOL_DIR"] ?? ".local/spool/acute"),
            trustedProxies: Set(
                (environment["STROKEPATH_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }),
            jobLease: .seconds(try environment["STROKEPATH_JOB_LEASE_SECONDS"].map(Self.parseLease) ?? 30)
        )
        logger.info("starting", metadata: ["database": .string(database.summary), "port": "\(configuration.port)"])
        let app = try await buildApplication(configuration: configuration, logger: logger, metrics: registry)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

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

    /// `STROKEPATH_RATE_PER_USER` requests a second per user (default 20) and `STROKEPATH_RATE_BURST` (default twice that).
    private static func rateLimit(_ environment: [String: String]) throws -> (perSecond: Double, burst: Int) {
        let perSecond =
            try environment["STROKEPATH_RATE_PER_USER"].map { text in
                guard let value = Int(text), (1...100_000).contains(value) else {
                    throw ConfigurationError("STROKEPATH_RATE_PER_USER must be a number of requests a second from 1 to 100000, not \(text)")
                }
                return value
            } ?? 20
        let burst =
            try environment["STROKEPATH_RATE_BURST"].map { text in
                guard let value = Int(text), (1...1_000_000).contains(value) else {
                    throw ConfigurationError("STROKEPATH_RATE_BURST must be a number of requests from 1 to 1000000, not \(text)")
                }
                return value
            } ?? 2 * perSecond
        return (Double(perSecond), burst)
    }

    private static func parseLease(_ text: String) throws -> Int {
        guard let seconds = Int(text), (3...600).contains(seconds) else {
            throw ConfigurationError("STROKEPATH_JOB_LEASE_SECONDS must be a number of seconds from 3 to 600, not \(text)")
        }
        return seconds
    }

    private static func parsePort(_ text: String) throws -> Int {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigurationError("PORT must be a number from 0 to 65535, not \(text)")
        }
        return port
    }
}

/// The database is behind (or differs from) the migrations this build expects.
struct SchemaNotCurrent: Error, CustomStringConvertible {
    let migrations: [String]
    var description: String {
        "the database schema is not current: \(migrations.joined(separator: ", ")). Run `strokepath migrate` or pass --migrate."
    }
}

/// In production (an identity provider or a JWKS configured) the database must be reached over verified TLS.
struct InsecureDatabaseConnection: Error, CustomStringConvertible {
    let reason: String
    var description: String { "refusing to serve patient data over an unverified database connection: \(reason)" }
}
