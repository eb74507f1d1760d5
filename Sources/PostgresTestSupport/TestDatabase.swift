public import Foundation
public import Logging
public import Postgres
public import ProtocolLibrary
import Storage

/// A database made for one test and dropped after it, in the cluster that `ops/test`
/// starts and describes through libpq's `PG*` variables.
public struct TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// Connects as the cluster's superuser.
    public let superuser: PostgresConnectionSettings
    /// Connects as the schema owner (runs migrations).
    public let owner: PostgresConnectionSettings
    /// Connects as the application role, which owns nothing.
    public let app: PostgresConnectionSettings

    /// A logger for tests: warnings and worse, to standard error.
    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    /// Creates a fresh database (migrated to the current schema unless `migrated` is
    /// false), runs `body`, and drops the database whatever happens. At most a few exist at
    /// once (`TestDatabaseSlots`): a test waits for its turn.
    @discardableResult
    public static func with<Result>(
        migrated: Bool = true,
        _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        // A test already holding a slot makes its second database in that slot (no deadlock).
        if TestDatabaseSlots.holding { return try await inFreshDatabase(migrated: migrated, body) }
        await TestDatabaseSlots.shared.acquire()
        do {
            let result = try await TestDatabaseSlots.$holding.withValue(true) { try await inFreshDatabase(migrated: migrated, body) }
            await TestDatabaseSlots.shared.release()
            return result
        } catch {
            await TestDatabaseSlots.shared.release()
            throw error
        }
    }

    private static func inFreshDatabase<Result>(migrated: Bool, _ body: (TestDatabase) async throws -> Result) async throws -> Result {
        let database = try TestDatabase()
        let admin = PostgresPool(settings: database.superuser.setting("dbname", to: "postgres"), logger: logger)
        try await admin.query("CREATE DATABASE \(identifier: database.name) OWNER strokepath_owner")
        do {
            if migrated {
                try await database.migrate()
            }
            let result = try await body(database)
            try await drop(database, admin: admin)
            return result
        } catch {
            try? await drop(database, admin: admin)
            throw error
        }
    }

    /// Applies the project's migrations as the owner.
    public func migrate() async throws {
        let migrations = try MigrationSet(directory: TestPaths.migrations)
        try await PostgresPool.withPool(settings: owner, logger: Self.logger) { pool in
            try await Migrator(pool: pool, logger: Self.logger).apply(migrations)
        }
    }

    private static func drop(_ database: TestDatabase, admin: PostgresPool) async throws {
        try await admin.query("DROP DATABASE IF EXISTS \(identifier: database.name) WITH (FORCE)")
        await admin.close()
    }

    private init() throws {
        guard ProcessInfo.processInfo.environment["PGHOST"] != nil else {
            throw TestSetupError(message: "PGHOST is not set: run the tests through ops/test, which starts PostgreSQL")
        }
        name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let base = PostgresConnectionSettings().setting("dbname", to: name)
        superuser = base.setting("user", to: "postgres")
        owner = base.setting("user", to: "strokepath_owner")
        app = base.setting("user", to: "strokepath_app")
    }
}

/// The test environment is not what the tests need.
public struct TestSetupError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Folders of the project, found from this file's place in it.
public enum TestPaths {
    public static let projectRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let migrations = projectRoot.appendingPathComponent("SQL/migrations")
    /// The Protocols folder of this checkout.
    public static let protocols = ProtocolLibrary(directory: projectRoot.appendingPathComponent("Protocols"))
}

extension TestDatabase {
    /// Who a test connects as.
    public enum Role: Sendable {
        case superuser, owner, app
    }

    /// The settings for a role.
    public func settings(_ role: Role) -> PostgresConnectionSettings {
        switch role {
        case .superuser: superuser
        case .owner: owner
        case .app: app
        }
    }

    /// Runs `body` with a pool on this database, closed afterwards.
    @discardableResult
    public func withPool<Result>(
        _ role: Role = .app,
        configuration: PostgresPool.Configuration = .init(),
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        try await PostgresPool.withPool(settings: settings(role), configuration: configuration, logger: Self.logger, body)
    }

    /// The database server's clock now: the instant tests reckon "now", "this week" and days
    /// since onset from, so that they agree with what the service computes.
    public func now() async throws -> Date {
        try await withPool(.app) { pool in try await pool.query("SELECT now()").single().decode(Date.self) }
    }
}

extension TestDatabase {
    /// A fresh database and a pool on it, as `role`; both gone afterwards.
    @discardableResult
    public static func withPool<Result>(
        migrated: Bool = true,
        _ role: Role = .app,
        configuration: PostgresPool.Configuration = .init(),
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        try await with(migrated: migrated) { database in
            try await database.withPool(role, configuration: configuration, body)
        }
    }
}
