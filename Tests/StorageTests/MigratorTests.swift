import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@Suite struct MigratorTests {
    static let project = try? MigrationSet(directory: TestPaths.migrations)

    /// A copy of the project's migrations in a temporary folder, to edit in a test.
    static func copyOfMigrations() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestPaths.migrations, to: folder)
        return folder
    }

    @Test func freshDatabaseGetsEveryMigrationOnceAndReRunIsANoOp() async throws {
        let migrations = try MigrationSet(directory: TestPaths.migrations)
        #expect(!migrations.migrations.isEmpty)
        try await TestDatabase.withPool(migrated: false, .owner) { pool in
            let migrator = Migrator(pool: pool, logger: TestDatabase.logger)
            let first = try await migrator.apply(migrations)
            #expect(first.applied == migrations.migrations.map(\.name))
            #expect(first.alreadyApplied == 0)
            let second = try await migrator.apply(migrations)
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == migrations.migrations.count)
            let recorded = try await pool.query("SELECT count(*) FROM schema_migrations").single().decode(Int.self)
            #expect(recorded == migrations.migrations.count)
            let statuses = try await migrator.status(migrations).map(\.status)
            #expect(statuses.allSatisfy { $0 == .applied })
        }
    }

    /// Clinical review E4: 0004's column default wrote aha-2019 into every organisation; after
    /// 0011 those follow the protocol's default, while one an administrator set keeps its choice.
    @Test func E4_organisationsOnTheOldColumnDefaultFollowTheProtocolAndChoicesStay() async throws {
        let all = try MigrationSet(directory: TestPaths.migrations)
        let before = try Self.copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: before) }
        for file in try FileManager.default.contentsOfDirectory(atPath: before.path) where file >= "0011" {
            try FileManager.default.removeItem(at: before.appendingPathComponent(file))
        }
        try await TestDatabase.withPool(migrated: false, .owner) { pool in
            let migrator = Migrator(pool: pool, logger: TestDatabase.logger)
            _ = try await migrator.apply(try MigrationSet(directory: before))
            let (region, untouched, chosen) = (UUID(), UUID(), UUID())
            try await pool.query("INSERT INTO organisations (id, kind, code, name) VALUES (\(region), 'region', 'E4-R', 'Region')")
            try await pool.query(
                """
                INSERT INTO organisations (id, parent_id, kind, code, name)
                VALUES (\(untouched), \(region), 'hospital', 'E4-A', 'Never chose'), (\(chosen), \(region), 'hospital', 'E4-B', 'Chose 2019')
                """)
            try await pool.query(
                """
                INSERT INTO audit_events (actor_subject, actor_role, action, resource_type, resource_id, purpose, outcome)
                VALUES ('admin', 'admin', 'update', 'Organisation', \(chosen.uuidString), 'configuration', 'success')
                """)
            _ = try await migrator.apply(all)
            let profiles = try await pool.query(
                """
                SELECT code, acute_profile FROM organisations WHERE code IN ('E4-A', 'E4-B') ORDER BY code
                """
            ).map { (try $0.decode(String.self, at: 0), try $0.decode(String?.self, at: 1)) }
            #expect(profiles.map(\.0) == ["E4-A", "E4-B"])
            #expect(profiles.map(\.1) == [nil, "aha-2019"])
        }
    }

    @Test func changedAppliedMigrationIsRefused() async throws {
        let folder = try Self.copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await TestDatabase.withPool(migrated: false, .owner) { pool in
            let migrator = Migrator(pool: pool, logger: TestDatabase.logger)
            _ = try await migrator.apply(try MigrationSet(directory: folder))
            let file = folder.appendingPathComponent("0001_foundation.sql")
            let edited = try String(contentsOf: file, encoding: .utf8) + "\n-- edited after it was applied\n"
            try edited.write(to: file, atomically: true, encoding: .utf8)
            let changed = try MigrationSet(directory: folder)
            let error = await #expect(throws: MigrationError.self) { try await migrator.apply(changed) }
            #expect(error?.kind == .changedAfterApply)
            #expect(error?.description.contains("0001_foundation") == true)
            #expect(try await migrator.status(changed).first?.status == .changed)
        }
    }

    @Test func failingMigrationChangesNothingAndNamesItself() async throws {
        let folder = try Self.copyOfMigrations()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n"
            .write(to: folder.appendingPathComponent("9999_broken.sql"), atomically: true, encoding: .utf8)
        try await TestDatabase.withPool(migrated: false, .owner) { pool in
            let migrator = Migrator(pool: pool, logger: TestDatabase.logger)
            let error = await #expect(throws: MigrationError.self) { try await migrator.apply(try MigrationSet(directory: folder)) }
            #expect(error?.kind == .failed)
            #expect(error?.migration == "9999_broken")
            let halfDone = try await pool.query("SELECT to_regclass('half_done') IS NOT NULL").single().decode(Bool.self)
            #expect(!halfDone)
            let recorded = try await pool.query("SELECT max(version) FROM schema_migrations").single().decode(Int.self)
            #expect(recorded < 9999)
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        let migrations = try MigrationSet(directory: TestPaths.migrations)
        try await TestDatabase.with(migrated: false) { database in
            let reports = try await withThrowingTaskGroup(of: Migrator.Report.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await database.withPool(.owner) { pool in
                            try await Migrator(pool: pool, logger: TestDatabase.logger).apply(migrations)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(reports.map(\.applied.count).sorted() == [0, migrations.migrations.count])
            try await database.withPool(.owner) { pool in
                let recorded = try await pool.query("SELECT count(*) FROM schema_migrations").single().decode(Int.self)
                #expect(recorded == migrations.migrations.count)
            }
        }
    }

    @Test(arguments: ["1_x.sql", "0001-x.sql", "0001_X.sql", "00001_x.sql"])
    func badlyNamedFilesAreRejected(file: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let error = #expect(throws: MigrationError.self) { try MigrationSet(directory: folder) }
        #expect(error?.kind == .badName)
    }

    @Test func applicationRoleOwnsNothingAndCannotAlterTheSchema() async throws {
        try await TestDatabase.withPool { pool in
            let owned = try await pool.query(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user
                """
            ).single().decode(Int.self)
            #expect(owned == 0)
            let error = await #expect(throws: PostgresError.self) { try await pool.query("DROP TABLE organisations") }
            #expect(error?.sqlState == SQLState.insufficientPrivilege)
            let error2 = await #expect(throws: PostgresError.self) { try await pool.query("DELETE FROM schema_migrations") }
            #expect(error2?.sqlState == SQLState.insufficientPrivilege)
        }
    }
}

@Suite struct DemoDataTests {
    @Test func demoDataLoadsOnceAndAgainChangesNothing() async throws {
        try await TestDatabase.withPool { pool in
            let first = try await DemoData.load(into: pool)
            #expect(first == DemoData.Report(organisations: DemoData.organisations.count, patients: 3, episodes: 3))
            let second = try await DemoData.load(into: pool)
            #expect(second == DemoData.Report())
            let kinds = try await pool.query("SELECT kind::text, count(*) FROM organisations GROUP BY 1 ORDER BY 1")
                .decode((String, Int).self)
            #expect(kinds.map(\.0) == ["hospital", "region", "rehab_clinic", "unit"])
            #expect(kinds.first { $0.0 == "hospital" }?.1 == 2)
            #expect(kinds.first { $0.0 == "rehab_clinic" }?.1 == 1)
        }
    }

    @Test func clinicalRangesAreCheckedByTheDatabase() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withOrganisations(DemoData.organisations.map(\.id)) { connection in
                    try await connection.query("UPDATE stroke_episodes SET nihss_at_arrival = 43")
                }
            }
            #expect(error?.sqlState == SQLState.checkViolation)
        }
    }
}
