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

    /// The databases of these names, dropped if they exist.
    static func drop(_ names: [String], in database: TestDatabase) async throws {
        let admin = database.superuser.setting("dbname", to: "postgres")
        try await PostgresPool.withPool(settings: admin, configuration: .init(maximumConnections: 1), logger: TestDatabase.logger) { pool in
            for name in names { try await pool.query("DROP DATABASE IF EXISTS \(identifier: name)") }
        }
    }

    static func exists(_ name: String, in database: TestDatabase) async throws -> Bool {
        let admin = database.superuser.setting("dbname", to: "postgres")
        return try await PostgresPool.withPool(settings: admin, configuration: .init(maximumConnections: 1), logger: TestDatabase.logger) { pool in
            try await pool.query("SELECT count(*) FROM pg_database WHERE datname = \(name)").single().decode(Int.self) == 1
        }
    }

    @Test(.timeLimit(.minutes(10))) func aBackupRestoresAsItWasWithItsAuditHead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = folder.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        try Data(#"{"waiting":"for the database"}"#.utf8).write(to: spool.appendingPathComponent("evaluation-1.json"))
        let key = folder.appendingPathComponent("identity.txt").path
        let recipients = folder.appendingPathComponent("recipients.txt").path
        #expect(try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/age-keygen"), ["-o", key]).status == 0)
        let publicKey = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/age-keygen"), ["-y", key]).output
        try Data(publicKey.utf8).write(to: URL(fileURLWithPath: recipients))
        let signing = folder.appendingPathComponent("signing").path
        #expect(try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/ssh-keygen"), ["-q", "-t", "ed25519", "-N", "", "-f", signing]).status == 0)
        let signers = folder.appendingPathComponent("allowed-signers").path
        try Data("strokepath-backup \(try String(contentsOfFile: signing + ".pub", encoding: .utf8))".utf8).write(to: URL(fileURLWithPath: signers))

        try await TestDatabase.with { database in
            let restored = "\(database.name)_restored"
            let names = [restored, "\(restored)_2", "\(restored)_3"]
            do {
                try await Self.roundTrip(
                    database, restored: restored, folder: folder, spool: spool, key: key, recipients: recipients, signing: signing, signers: signers)
            } catch {
                try? await Self.drop(names, in: database)
                throw error
            }
            try await Self.drop(names, in: database)
        }
    }

    static func roundTrip(
        _ database: TestDatabase, restored: String, folder: URL, spool: URL, key: String, recipients: String, signing: String, signers: String
    ) async throws {
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
            "STROKEPATH_SPOOL_DIR": spool.path, "STROKEPATH_BACKUP_RECIPIENTS": recipients, "STROKEPATH_BACKUP_SIGNING_KEY": signing,
        ]
        let archives = folder.appendingPathComponent("archives")
        let backup = try await Self.ops("backup", ["--to", archives.path], connection)
        try #require(backup.status == 0, "\(backup.errors)")
        let head = try #require(backup.output.split(separator: "\n").last { $0.hasPrefix("audit head: ") }?.dropFirst("audit head: ".count))
        #expect(head.hasPrefix("3:"), "the head of three sealed rows")
        let archive = archives.appendingPathComponent(
            try #require(try FileManager.default.contentsOfDirectory(atPath: archives.path).first { $0.hasSuffix(".tar") })
        ).path
        #expect(FileManager.default.fileExists(atPath: archive + ".sig"), "signed")
        let sealed = try Data(contentsOf: URL(fileURLWithPath: archive))
        #expect(sealed.range(of: Data("age-encryption.org/v1".utf8)) != nil, "encrypted at rest")
        #expect(sealed.range(of: Data("DEMO-NORTH".utf8)) == nil && sealed.range(of: Data("waiting".utf8)) == nil)

        // Changed after the backup: the restore must not have it.
        let patientsThen = try await Self.count("patients", in: database)
        try await database.withPool(.superuser) { pool in try await pool.query("UPDATE organisations SET name = 'Renamed'") }

        let target = ["PGUSER": "postgres", "STROKEPATH_BIN": Subprocess.strokepath.path]
        let keys = ["--signers", signers, "--identity", key]
        let restoreFolder = folder.appendingPathComponent("restored-spool").path
        let restore = try await Self.ops("restore", [archive] + keys + ["--database", restored, "--head", String(head), "--spool", restoreFolder], target)
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        let tables = restore.errors.firstMatch(of: /: (\d+) tables with their rows/).flatMap { Int($0.1) } ?? 0
        #expect(tables > 20, "every table's rows compared: \(restore.errors)")
        #expect(try await Self.count("patients", in: database, name: restored) == patientsThen)
        let renamed = try await PostgresPool.withPool(
            settings: database.superuser.setting("dbname", to: restored), configuration: .init(maximumConnections: 1), logger: TestDatabase.logger
        ) { pool in try await pool.query("SELECT count(*) FROM organisations WHERE name = 'Renamed'").single().decode(Int.self) }
        #expect(renamed == 0, "as it was at the backup, not as changed since")
        #expect(FileManager.default.fileExists(atPath: "\(restoreFolder)/evaluation-1.json"), "the spool, back")

        let again = try await Self.ops("restore", [archive] + keys + ["--database", restored], target)
        #expect(again.status != 0 && again.errors.contains("exists"), "never over a database that is there")
        let wrongHead = "\(head.split(separator: ":")[0]):\(String(repeating: "ab", count: 32))"
        let tampered = try await Self.ops("restore", [archive] + keys + ["--database", "\(restored)_2", "--head", wrongHead], target)
        #expect(tampered.status != 0 && tampered.errors.contains("does not hold the head"), "\(tampered.errors)")
        // An archive someone else made (anyone may encrypt to the public keys) is not restored.
        var forged = sealed
        forged[forged.count / 2] ^= 0xFF
        try forged.write(to: URL(fileURLWithPath: archive))
        let unsigned = try await Self.ops("restore", [archive] + keys + ["--database", "\(restored)_3"], target)
        #expect(unsigned.status != 0 && unsigned.errors.contains("signature"), "\(unsigned.errors)")
        #expect(try await Self.exists("\(restored)_3", in: database) == false, "nothing created")
    }
}
