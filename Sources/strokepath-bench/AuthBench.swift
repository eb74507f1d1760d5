import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Postgres
import Prometheus
import Seed
import Server
import Storage

/// Serves the real application (for `ops/bench/auth` and `ops/bench/acute`, without rate
/// limits) plus one extra, bench-only route that reads the same patient (of the demo's North
/// hospital) without authentication, authorisation or audit, so `ops/bench/auth` can compare
/// the two under the same load. Never part of the service.
struct AuthBenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth-server",
        abstract: "Serve the API plus an unaudited read of the same patient, for ops/bench/auth."
    )

    @Option(help: "Port to listen on.") var port = 8099
    @Option(help: "The development key file to trust.") var keyFile: String
    @Option(help: "The Protocols folder.") var protocols = "Protocols"
    @Option(help: "The spool folder for acute evaluations.") var spool = ".local/spool/acute"

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let metrics = ServiceMetrics(registry: PrometheusCollectorRegistry(), version: "bench")
        let settings = PostgresConnectionSettings()
        let configuration = ServerConfiguration(
            port: port, database: settings, pool: .init(maximumConnections: 8),
            authentication: .development(keyFile: URL(fileURLWithPath: keyFile)), rateLimit: (perSecond: 1e9, burst: 1_000_000_000),
            protocolsDirectory: URL(fileURLWithPath: protocols), spoolDirectory: URL(fileURLWithPath: spool)
        )
        let pool = PostgresPool(settings: settings, configuration: configuration.pool, logger: logger)
        let features = try Features(configuration: configuration, pool: pool, logger: logger)
        let router = try await buildRouter(configuration: configuration, pool: pool, features: features, metrics: metrics)
        let organisation = DemoData.organisations[1].id
        router.get("/bench/unaudited/patients/:id") { _, context in
            guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw HTTPError(.badRequest) }
            let row = try await pool.withOrganisations([organisation]) { connection in
                try await connection.query(
                    """
                    SELECT id, organisation_id, pseudonym, birth_year, sex, created_at FROM patients WHERE id = \(id)
                    """, prepared: true
                ).first?.decode((UUID, UUID, String, Int?, String, Date).self)
            }
            guard let row else { throw HTTPError(.notFound) }
            let patient = Patient(id: row.0, organisationId: row.1, pseudonym: row.2, birthYear: row.3, sex: row.4, createdAt: row.5)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(patient)))
            )
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            services: [pool] + features.services, logger: logger
        )
        try await app.runService()
    }
}
