import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// `ops/backup` and `ops/restore` (issue 20), a round trip on the demo database: the archive is
/// encrypted (age), the restore brings back every table's rows as they were at the backup (not
/// as changed since), the acute spool, and an audit chain that holds the head printed at the
/// backup; a head it does not hold, or a database that already exists, is refused.
@Suite struct BackupRestoreTests {
    static func ops(_ script: String, _ arguments: [String], _ environment: [String: String]) async throws -> Subprocess.Result {
        try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/\(script)"), arguments, environment: environment)
    }

    static func count(_ table: String, in database: TestDatabase, name: String? = nil) async throws -> Int {
        let settings = database.superuser.setting("dbname", to: name ?? database.name)
        return try await PostgresPool.withPool(settings: settings, configuration: .init(maximumConnections: 1), logger: TestDatabase.logger) { pool in
            try await pool.query("SELECT count(*) FROM \(identifier: table)").single().decode(Int.self)
        }
    }

    @Test(.timeLimit(.minutes(5))) func aBackupRestoresAsItWasWithItsAuditHead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        let spool = folder.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        try Data(#"{"waiting":"for the database"}"#.utf8).write(to: spool.appendingPathComponent("evaluation-1.json"))
        let key = folder.appendingPathComponent("identity.txt").path
        let recipients = folder.appendingPathComponent("recipients.txt").path
        #expect(try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/age-keygen"), ["-o", key]).status == 0)
        let publicKey = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/age-keygen"), ["-y", key]).output
        try Data(publicKey.utf8).write(to: URL(fileURLWithPath: recipients))

        try await TestDatabase.with { database in
            let restored = "\(database.name)_restored"
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                for number in 1...3 {
                    let event = AuditEvent(
                        actorSubject: "dr-\(number)", actorRole: "clinician", actorOrganisation: DemoData.organisations[1].id, action: .read,
                        patientID: nil, resourceType: "Patient", resourceID: "\(number)", purpose: "treatment", outcome: .success,
                        requestID: "backup-\(number)", clientAddress: nil)
                    try await pool.withTransaction { connection in try await AuditLog.record(event, on: connection) }
                }
                #expect(try await AuditLog.seal(pool) == 3)
            }
            let environment = ProcessInfo.processInfo.environment
            let connection = [
                "PGUSER": "postgres", "PGDATABASE": database.name, "STROKEPATH_BIN": Subprocess.strokepath.path,
                "DATABASE_OWNER_URL": "host=\(environment["PGHOST"] ?? "") port=\(environment["PGPORT"] ?? "") dbname=\(database.name) user=strokepath_owner",
                "STROKEPATH_SPOOL_DIR": spool.path, "STROKEPATH_BACKUP_RECIPIENTS": recipients,
            ]
            let backup = try await Self.ops("backup", ["--to", folder.appendingPathComponent("archives").path], connection)
            try #require(backup.status == 0, "\(backup.errors)")
            let head = try #require(backup.output.split(separator: "\n").last { $0.hasPrefix("audit head: ") }?.dropFirst("audit head: ".count))
            let archives = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("archives").path)
            let archive = folder.appendingPathComponent("archives").appendingPathComponent(try #require(archives.first)).path
            let sealed = try Data(contentsOf: URL(fileURLWithPath: archive))
            #expect(sealed.starts(with: Data("age-encryption.org/v1".utf8)), "encrypted at rest")
            #expect(sealed.range(of: Data("DEMO-NORTH".utf8)) == nil)

            // Changed after the backup: the restore must not have it.
            let patientsThen = try await Self.count("patients", in: database)
            try await database.withPool(.superuser) { pool in
                try await pool.query("UPDATE organisations SET name = 'Renamed'")
            }

            #expect(head.hasPrefix("3:"), "the head of three sealed rows")
            let target = ["PGUSER": "postgres", "STROKEPATH_BIN": Subprocess.strokepath.path]
            let restoreFolder = folder.appendingPathComponent("restored-spool").path
            let restore = try await Self.ops(
                "restore", [archive, "--identity", key, "--database", restored, "--head", String(head), "--spool", restoreFolder], target)
            #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
            #expect(try await Self.count("patients", in: database, name: restored) == patientsThen)
            let renamed = try await PostgresPool.withPool(
                settings: database.superuser.setting("dbname", to: restored), configuration: .init(maximumConnections: 1), logger: TestDatabase.logger
            ) { pool in try await pool.query("SELECT count(*) FROM organisations WHERE name = 'Renamed'").single().decode(Int.self) }
            #expect(renamed == 0, "as it was at the backup, not as changed since")
            #expect(FileManager.default.fileExists(atPath: "\(restoreFolder)/evaluation-1.json"), "the spool, back")

            let again = try await Self.ops("restore", [archive, "--identity", key, "--database", restored], target)
            #expect(again.status != 0 && again.errors.contains("exists"), "never over a database that is there")
            let wrongHead = "\(head.split(separator: ":")[0]):\(String(repeating: "ab", count: 32))"
            let tampered = try await Self.ops(
                "restore", [archive, "--identity", key, "--database", "\(restored)_2", "--head", wrongHead], target)
            #expect(tampered.status != 0 && tampered.errors.contains("does not hold the head"), "\(tampered.errors)")
            try await PostgresPool.withPool(
                settings: database.superuser.setting("dbname", to: "postgres"), configuration: .init(maximumConnections: 1), logger: TestDatabase.logger
            ) { admin in
                try await admin.query("DROP DATABASE IF EXISTS \(identifier: restored)")
                try await admin.query("DROP DATABASE IF EXISTS \(identifier: "\(restored)_2")")
            }
        }
    }
}
