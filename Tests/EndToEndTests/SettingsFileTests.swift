import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The settings file as an operator uses it: the service reads it (libpq's variables too), the
/// environment wins over it, `config check` shows the effective settings with secrets masked
/// and lists every problem, and a file with a line it cannot hold stops every command.
@Suite struct SettingsFileTests {
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("strokepath-\(UUID().uuidString).env")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func serveReadsTheFileUnderTheEnvironment() async throws {
        try await TestDatabase.with { database in
            let port = try FreePort.take()
            let settings = try Self.file(
                """
                # Where the database is, for libpq, and where to listen.
                PGDATABASE=\(database.name)
                PGUSER = strokepath_app
                PORT=1
                LOG_LEVEL="warning"
                STROKEPATH_SQL_DIR=\(TestPaths.projectRoot.appendingPathComponent("SQL").path)
                """)
            defer { try? FileManager.default.removeItem(at: settings) }
            // The environment's PORT wins over the file's; an empty variable counts as unset.
            let server = try Subprocess(
                Subprocess.strokepath, ["serve"],
                environment: ["STROKEPATH_CONFIG": settings.path, "PORT": "\(port)", "DATABASE_URL": "", "PGUSER": ""])
            try server.start()
            var ready = false
            while !ready && server.process.isRunning {
                ready = (try? await CommandLineTests.get("http://127.0.0.1:\(port)/health/ready")) == 200
                if !ready { try await Task.sleep(for: .milliseconds(50)) }
            }
            let connected = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT usename FROM pg_stat_activity WHERE datname = \(database.name) AND application_name = 'strokepath'")
                    .map { try $0.decode(String.self) }
            }
            kill(server.process.processIdentifier, SIGTERM)
            let result = try await server.finish()
            #expect(ready, "serving on the environment's port, on the database the file names: \(result.errors)")
            #expect(Set(connected) == ["strokepath_app"], "as the user the file names")
        }
    }

    @Test func configCheckShowsWhereEachSettingComesFromWithSecretsMasked() async throws {
        let settings = try Self.file(
            """
            HOST=0.0.0.0
            PORT=9090
            DATABASE_URL=postgresql://strokepath_app:hunter2@127.0.0.1:5432/strokepath
            STROKEPATH_OIDC_CLIENT_SECRET='s3cret-value'
            PGPASSWORD=pg-secret
            """)
        defer { try? FileManager.default.removeItem(at: settings) }
        let result = try await Subprocess.run(
            Subprocess.strokepath, ["config", "check"],
            environment: ["STROKEPATH_CONFIG": settings.path, "PORT": "9091", "STROKEPATH_RATE_PER_USR": "5"])
        #expect(result.status == 0, "\(result.output) \(result.errors)")
        let lines = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("HOST 0.0.0.0 [file]"))
        #expect(lines.contains("PORT 9091 [environment]"), "the environment wins over the file")
        #expect(lines.contains("LOG_FORMAT (text) [default]"))
        #expect(lines.contains("DATABASE_URL postgresql://strokepath_app:••••••@127.0.0.1:5432/strokepath [file]"))
        #expect(lines.contains("STROKEPATH_OIDC_CLIENT_SECRET •••••• (set) [file]") && lines.contains("PGPASSWORD •••••• (set) [file]"))
        #expect(!result.output.contains("hunter2") && !result.output.contains("s3cret") && !result.output.contains("pg-secret"))
        #expect(result.output.contains("warning: STROKEPATH_RATE_PER_USR is set in the environment but is not a setting"))
        #expect(result.output.contains("sign-in: DEVELOPMENT") && result.output.contains("valid: serve would start"))
    }

    @Test func configCheckListsEveryProblem() async throws {
        let settings = try Self.file(
            """
            LOG_LEVEL=loud
            PORT=99999
            STROKEPATH_JOB_LEASE_SECONDS=1
            STROKEPATH_OIDC_ISSUER=https://login.example.org
            """)
        defer { try? FileManager.default.removeItem(at: settings) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["config", "check"], environment: ["STROKEPATH_CONFIG": settings.path])
        #expect(result.status == 1)
        #expect(result.output.contains("LOG_LEVEL must be one of"))
        #expect(result.output.contains("PORT must be a number from 0 to 65535, not 99999"))
        #expect(result.output.contains("STROKEPATH_JOB_LEASE_SECONDS must be a number of seconds from 3 to 600, not 1"))
        #expect(result.output.contains("STROKEPATH_OIDC_CLIENT_ID"), "an issuer needs its client: \(result.output)")
        #expect(result.output.contains("problems: serve would not start"))
        let serve = try await Subprocess.run(Subprocess.strokepath, ["serve"], environment: ["STROKEPATH_CONFIG": settings.path])
        #expect(serve.status != 0 && serve.errors.contains("PORT must be a number"), "serve refuses the same settings: \(serve.errors)")
    }

    @Test func aFileWithALineItCannotHoldStopsEveryCommand() async throws {
        let settings = try Self.file("PORT 8080\n# a comment\nSTROKEPATH_OIDC_ISUER=https://login.example.org\nHOST=a\nHOST=b\n")
        defer { try? FileManager.default.removeItem(at: settings) }
        for command in [["config", "check"], ["migrate", "--status"]] {
            let result = try await Subprocess.run(Subprocess.strokepath, command, environment: ["STROKEPATH_CONFIG": settings.path])
            #expect(result.status == 78, "EX_CONFIG")
            #expect(result.errors.contains("line 1: expected NAME=value"))
            #expect(result.errors.contains("line 3: STROKEPATH_OIDC_ISUER is not a setting"))
            #expect(result.errors.contains("line 5: HOST is set twice"))
        }
        let missing = try await Subprocess.run(Subprocess.strokepath, ["config", "check"], environment: ["STROKEPATH_CONFIG": "/nonexistent/strokepath.env"])
        #expect(missing.status == 78 && missing.errors.contains("cannot be read"))
    }
}
