import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// Each command the README documents, run as a person would: `token issue`, `audit seal` and
/// `audit verify` (its exit code when the chain is broken), `report`, and `serve --migrate`.
@Suite struct DocumentedCommandTests {
    @Test func tokenIssueSignsATokenAndRefusesAnUnknownRole() async throws {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: key) }
        let environment = ["STROKEPATH_DEV_KEY": key.path]
        let issued = try await Subprocess.run(
            Subprocess.strokepath, ["token", "issue", "--role", "clinician", "--org", UUID().uuidString, "--ttl", "10m"],
            environment: environment)
        #expect(issued.status == 0, "\(issued.errors)")
        let token = issued.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3, "a compact JWT: \(token)")
        let refused = try await Subprocess.run(Subprocess.strokepath, ["token", "issue", "--role", "surgeon"], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("unknown role surgeon"))
        #expect(refused.output.isEmpty)
    }

    @Test func auditSealThenVerifyAndABrokenChainExitsOne() async throws {
        try await TestDatabase.with { database in
            let environment = CommandLineTests.environment(database)
            try await database.withPool(.superuser) { pool in
                for purpose in ["treatment", "treatment", "configuration"] {
                    try await pool.query(
                        """
                        INSERT INTO audit_events (actor_subject, actor_role, action, resource_type, purpose, outcome)
                        VALUES ('dr-command', 'clinician', 'read', 'Patient', \(purpose), 'success')
                        """)
                }
            }
            let sealed = try await Subprocess.run(Subprocess.strokepath, ["audit", "seal"], environment: environment)
            #expect(sealed.status == 0, "\(sealed.errors)")
            let verified = try await Subprocess.run(Subprocess.strokepath, ["audit", "verify"], environment: environment)
            #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
            try await database.withPool(.owner) { pool in
                try await pool.query("UPDATE audit_events SET purpose = 'curiosity' WHERE chain_position = 2")
            }
            let broken = try await Subprocess.run(Subprocess.strokepath, ["audit", "verify"], environment: environment)
            #expect(broken.status == 1, "\(broken.output)\(broken.errors)")
            #expect((broken.output + broken.errors).contains("2"), "names where the chain breaks")
        }
    }

    @Test func reportRefreshesAndPrintsCSVAndABadPeriodIsAUsageError() async throws {
        try await TestDatabase.with { database in
            let environment = CommandLineTests.environment(database)
            let seeded = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            #expect(seeded.status == 0, "\(seeded.errors)")
            let report = try await Subprocess.run(
                Subprocess.strokepath,
                ["report", "--refresh", "--region", "SYN2026-R01", "--period", "all", "--indicator", "dtn_within_60", "--format", "csv"],
                environment: environment)
            #expect(report.status == 0, "\(report.errors)")
            #expect(report.output.contains("dtn_within_60"), "\(report.output)")
            let bad = try await Subprocess.run(Subprocess.strokepath, ["report", "--period", "decade"], environment: environment)
            #expect(bad.status != 0)
            #expect(bad.errors.contains("period"), "\(bad.errors)")
            #expect(bad.output.isEmpty)
        }
    }

    @Test func fhirExportWritesARegionsFilesAndAuditsItAndABadPurposeIsAUsageError() async throws {
        try await TestDatabase.with { database in
            let environment = CommandLineTests.environment(database)
            let seeded = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            #expect(seeded.status == 0, "\(seeded.errors)")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let export = try await Subprocess.run(
                Subprocess.strokepath,
                ["fhir", "export", "--region", "DEMO", "--purpose", "quality registry", "--type", "Patient", "--out", folder.path, "--subject", "e2e"],
                environment: environment)
            #expect(export.status == 0, "\(export.errors)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["Patient.ndjson"])
            let (patients, audited) = try await database.withPool(.superuser) { pool in
                try await pool.query(
                    """
                    SELECT (SELECT count(*)::int FROM patients p JOIN organisations o ON o.id = p.organisation_id WHERE o.code LIKE 'DEMO%'),
                           (SELECT count(*)::int FROM audit_events WHERE action = 'export' AND actor_subject = 'cli:e2e')
                    """
                ).single().decode((Int, Int).self)
            }
            #expect(export.output.contains("Patient.ndjson\t\(patients) resources"), "the region's patients: \(export.output)")
            #expect(audited == 1)
            let bad = try await Subprocess.run(
                Subprocess.strokepath, ["fhir", "export", "--region", "DEMO", "--purpose", "x", "--out", folder.path], environment: environment)
            #expect(bad.status != 0 && bad.errors.contains("--purpose"), "\(bad.errors)")
            let unknown = try await Subprocess.run(
                Subprocess.strokepath, ["fhir", "export", "--region", "NOWHERE", "--purpose", "quality registry", "--out", folder.path + "-2"],
                environment: environment)
            #expect(unknown.status != 0 && unknown.errors.contains("NOWHERE"), "\(unknown.errors)")
            #expect(!FileManager.default.fileExists(atPath: folder.path + "-2"), "nothing made for an export that cannot begin")
        }
    }

    @Test func serveWithMigrateAppliesTheSchemaThenServesUntilSIGTERM() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let port = try FreePort.take()
            let server = try Subprocess(
                Subprocess.strokepath, ["serve", "--migrate", "--port", "\(port)"], environment: CommandLineTests.environment(database))
            try server.start()
            // Waits for the event (ready), not for a time: the loop ends when the server answers or exits.
            var ready = false
            while !ready && server.process.isRunning {
                ready = (try? await CommandLineTests.get("http://127.0.0.1:\(port)/health/ready")) == 200
                if !ready { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(ready, "the server exited before it was ready")
            kill(server.process.processIdentifier, SIGTERM)
            let ended = try await server.finish()
            #expect(ended.status == 0, "\(ended.errors)")
            let applied = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT count(*) FROM schema_migrations").single().decode(Int.self)
            }
            #expect(applied > 0)
        }
    }
}
