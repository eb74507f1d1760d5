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

    @Test(.timeLimit(.minutes(10))) func serveReadsTheFileUnderTheEnvironment() async throws {
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
                environment: ["STROKEPATH_CONFIG": settings.path, "PORT": "\(port)", "DATABASE_URL": "", "PGUSER": "", "PGDATABASE": ""])
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

    /// The test's own database variables (ops/test sets libpq's) emptied: the file says where the database is.
    static let noDatabase = Dictionary(
        uniqueKeysWithValues: ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"].map { ($0, "") })

    @Test func configCheckShowsWhereEachSettingComesFromWithSecretsMasked() async throws {
        let settings = try Self.file(
            """
            HOST=0.0.0.0
            PORT=9090
            DATABASE_URL=postgresql://strokepath_app:hunter2@127.0.0.1:5432/strokepath?password=hunter3&sslmode=disable
            DATABASE_OWNER_URL=host=127.0.0.1 password = 'hunter 4' user=strokepath_owner
            STROKEPATH_OIDC_CLIENT_SECRET='s3cret-value'
            PGPASSWORD=pg-secret
            """)
        defer { try? FileManager.default.removeItem(at: settings) }
        let result = try await Subprocess.run(
            Subprocess.strokepath, ["config", "check"],
            environment: Self.noDatabase.merging(["STROKEPATH_CONFIG": settings.path, "PORT": "9091", "STROKEPATH_RATE_PER_USR": "5"]) { $1 })
        #expect(result.status == 0, "\(result.output) \(result.errors)")
        let lines = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("HOST 0.0.0.0 [file]"))
        #expect(lines.contains("PORT 9091 [environment]"), "the environment wins over the file")
        #expect(lines.contains("LOG_FORMAT (text) [default]"))
        #expect(lines.contains("DATABASE_URL postgresql://strokepath_app:••••••@127.0.0.1:5432/strokepath?password=••••••&sslmode=disable [file]"))
        #expect(lines.contains("DATABASE_OWNER_URL •••••• (set, with a password) [file]"))
        #expect(lines.contains("STROKEPATH_OIDC_CLIENT_SECRET •••••• (set) [file]") && lines.contains("PGPASSWORD •••••• (set) [file]"))
        #expect(!result.output.contains("hunter") && !result.output.contains("s3cret") && !result.output.contains("pg-secret"))

        // The environment saying where the database is wins over every database address of the file.
        let located = try await Subprocess.run(
            Subprocess.strokepath, ["config", "check"],
            environment: Self.noDatabase.merging(["STROKEPATH_CONFIG": settings.path, "PGHOST": "db.example.org"]) { $1 })
        let shown = located.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(shown.contains("PGHOST db.example.org [environment]") && shown.contains { $0.hasPrefix("DATABASE_URL (") }, "\(located.output)")
        #expect(located.output.contains("note: the environment says where the database is"))
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
        // Windows line endings, a misspelt name, libpq's name misspelt, one set twice.
        let settings = try Self.file("PORT 8080\r\n# a comment\r\nSTROKEPATH_OIDC_ISUER=https://login.example.org\r\nHOST=a\r\nHOST=b\r\nPGSSLROOTCRT=/x\r\n")
        defer { try? FileManager.default.removeItem(at: settings) }
        for command in [["config", "check"], ["migrate", "--status"]] {
            let result = try await Subprocess.run(Subprocess.strokepath, command, environment: ["STROKEPATH_CONFIG": settings.path])
            #expect(result.status == 78, "EX_CONFIG")
            #expect(result.errors.contains("line 1: expected NAME=value"))
            #expect(result.errors.contains("line 3: STROKEPATH_OIDC_ISUER is not a setting"))
            #expect(result.errors.contains("line 5: HOST is set twice"))
            #expect(result.errors.contains("line 6: PGSSLROOTCRT is not a setting"))
        }
        let missing = try await Subprocess.run(Subprocess.strokepath, ["config", "check"], environment: ["STROKEPATH_CONFIG": "/nonexistent/strokepath.env"])
        #expect(missing.status == 78 && missing.errors.contains("cannot be read"))
        let crlf = try Self.file("\u{FEFF}# saved on Windows\r\nHOST=0.0.0.0\r\nLOG_FORMAT=json\r\n")
        defer { try? FileManager.default.removeItem(at: crlf) }
        let windows = try await Subprocess.run(Subprocess.strokepath, ["config", "check"], environment: ["STROKEPATH_CONFIG": crlf.path])
        let shown = windows.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(shown.contains("HOST 0.0.0.0 [file]") && shown.contains("LOG_FORMAT json [file]"), "every line read: \(windows.output)")
    }
}
