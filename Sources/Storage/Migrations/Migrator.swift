public import Logging
public import Postgres

/// Applies migrations: in order, each in its own transaction, recorded with a SHA-256
/// checksum in `schema_migrations`, serialised across processes by an advisory lock.
/// A migration whose file changed after it was applied is refused.
public struct Migrator: Sendable {
    /// The state of one migration file against the database.
    public enum Status: Sendable, Equatable {
        case applied
        case pending
        /// Applied, but the file has changed since.
        case changed
    }

    /// What `apply` did.
    public struct Report: Sendable {
        /// Migrations applied by this run, in order.
        public var applied: [String]
        /// Migrations that were already applied before this run.
        public var alreadyApplied: Int
    }

    /// The advisory lock key all StrokePath migrators take ("strokepath" in ASCII).
    static let lockKey: Int64 = 0x7374_726F_6B65_7061

    private let pool: PostgresPool
    private let logger: Logger

    /// - Parameter pool: connects as the role that owns the schema.
    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Applies every pending migration, after checking the applied ones are unchanged.
    /// - Throws: `MigrationError` (changed or missing file, failed SQL) or `PostgresError`.
    public func apply(_ set: MigrationSet) async throws -> Report {
        try await pool.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let report = try await applyLocked(set, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    /// Each migration's status, without changing anything.
    public func status(_ set: MigrationSet) async throws -> [(migration: MigrationSet.Migration, status: Status)] {
        try await pool.withConnection { connection in
            let applied = try await appliedChecksums(on: connection)
            var result: [(migration: MigrationSet.Migration, status: Status)] = []
            for migration in set.migrations {
                guard let recorded = applied[migration.version] else {
                    result.append((migration, .pending))
                    continue
                }
                let current = try await checksum(of: migration, on: connection)
                result.append((migration, recorded.checksum == current ? .applied : .changed))
            }
            return result
        }
    }

    private func applyLocked(_ set: MigrationSet, on connection: PostgresConnection) async throws -> Report {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT current_user
            )
            """)
        let applied = try await appliedChecksums(on: connection)
        for (version, record) in applied where !set.migrations.contains(where: { $0.version == version }) {
            throw MigrationError(
                .missingFile, migration: record.name,
                "applied to the database but its file is missing (is this binary older than the database?)")
        }
        var report = Report(applied: [], alreadyApplied: 0)
        for migration in set.migrations {
            let checksum = try await checksum(of: migration, on: connection)
            if let record = applied[migration.version] {
                guard record.checksum == checksum else {
                    throw MigrationError(
                        .changedAfterApply, migration: migration.name,
                        "the file changed after it was applied; add a new migration instead of editing this one")
                }
                report.alreadyApplied += 1
                continue
            }
            try await run(migration, checksum: checksum, on: connection)
            report.applied.append(migration.name)
        }
        return report
    }

    private func run(_ migration: MigrationSet.Migration, checksum: String, on connection: PostgresConnection) async throws {
        logger.info("applying migration", metadata: ["migration": .string(migration.name)])
        try await connection.query("BEGIN")
        do {
            try await connection.runScript(trustedSQL: migration.sql)
            try await connection.query(
                """
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(checksum))
                """)
            try await connection.query("COMMIT")
        } catch let error as PostgresError {
            _ = try? await connection.query("ROLLBACK")
            let reason = [error.description, error.serverMessage].compactMap { $0 }.joined(separator: ": ")
            throw MigrationError(.failed, migration: migration.name, reason)
        }
    }

    private func appliedChecksums(on connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").single().decode(Bool.self)
        guard exists else { return [:] }
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations")
            .decode((Int, String, String).self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, (name: $0.1, checksum: $0.2)) })
    }

    private func checksum(of migration: MigrationSet.Migration, on connection: PostgresConnection) async throws -> String {
        try await connection.query("SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex')")
            .single().decode(String.self)
    }
}
