import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import PostgresTestSupport
import Prometheus
import ProtocolLibrary
import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Builds the real application for tests, on a real database or on none.
enum Harness {
    /// One metrics registry for the whole test process.
    static let metrics = PrometheusCollectorRegistry()

    /// Settings for a database that is not there: nothing listens on port 1.
    static let unreachable = PostgresConnectionSettings()
        .setting("host", to: "127.0.0.1").setting("port", to: "1").setting("connect_timeout", to: "2")

    /// The test configuration; its development key lives in a temporary file.
    static func configuration(database: PostgresConnectionSettings, maxBodyBytes: Int = 1 << 20) -> ServerConfiguration {
        var configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            database: database,
            maxBodyBytes: maxBodyBytes,
            readinessTimeout: .seconds(2),
            migrationsDirectory: TestPaths.migrations,
            authentication: .development(keyFile: FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")),
            protocolsDirectory: TestPaths.protocols.directory,
            spoolDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)"),
            exportDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("exports-\(UUID().uuidString)")
        )
        configuration.pseudoLanguage = true
        configuration.timeZone = TimeZone(identifier: "Europe/Stockholm")
        // The acute store's deadline is a wall-clock bound: on a loaded machine a healthy database
        // can miss 2 s, and the answer comes back unlinked. Tests of the deadline itself set it.
        configuration.acuteStoreTimeout = .seconds(120)
        return configuration
    }

    /// Runs `body` while the service serves on `port`, its public address, so that its absolute
    /// URLs (FHIR's `fullUrl` and `next` links) lead back to it: for a client that follows them.
    static func serving<Result: Sendable>(
        database: PostgresConnectionSettings, keyFile: URL, port: Int, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        var configuration = configuration(database: database)
        configuration.authentication = .development(keyFile: keyFile)
        configuration.port = port
        configuration.publicURL = URL(string: "http://127.0.0.1:\(port)")
        let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: metrics)
        defer { try? FileManager.default.removeItem(at: configuration.exportDirectory) }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            group.addTask {
                // Serving once it says it is ready (the machine may be busy: up to a minute).
                var tries = 0
                while !(await Self.ready(port: port)) {
                    tries += 1
                    guard tries < 1_200 else { throw TestSetupError(message: "the service on port \(port) did not become ready") }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return try await body()
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    /// Whether this service answers ready on `port` (its own answer: the version it gives).
    private static func ready(port: Int) async -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(port)/health/ready"),
            let (data, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200
        else { return false }
        return String(decoding: data, as: UTF8.self).contains("\"ready\"")
    }

    /// Runs `test` against a live server (real HTTP on a free port).
    static func live<Result: Sendable>(
        database: PostgresConnectionSettings,
        maxBodyBytes: Int = 1 << 20,
        keyFile: URL? = nil,
        rateLimit: (perSecond: Double, burst: Int)? = nil,
        readinessTimeout: Duration? = nil,
        acuteStoreTimeout: Duration? = nil,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Result
    ) async throws -> Result {
        var configuration = configuration(database: database, maxBodyBytes: maxBodyBytes)
        if let readinessTimeout { configuration.readinessTimeout = readinessTimeout }
        if let acuteStoreTimeout { configuration.acuteStoreTimeout = acuteStoreTimeout }
        if let keyFile { configuration.authentication = .development(keyFile: keyFile) }
        if let rateLimit { configuration.rateLimit = rateLimit }
        let app = try await buildApplication(
            configuration: configuration,
            logger: TestDatabase.logger,
            metrics: metrics
        )
        // Bulk exports' files hold patient data: removed with the test's service.
        defer { try? FileManager.default.removeItem(at: configuration.exportDirectory) }
        return try await app.test(.live, test)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
