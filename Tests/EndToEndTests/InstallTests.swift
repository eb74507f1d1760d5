import Foundation
import PostgresTestSupport
import Testing

/// `ops/install` (issue 20): the layout a Debian host keeps a service in, in a scratch root;
/// the systemd unit passes `systemd-analyze verify`; and the installed binary serves its pages
/// with the build folder out of reach (a private mount hides it), so a binary that found its
/// files only beside `.build` would fail here. Without its resources it says what is missing
/// and exits, rather than crash.
@Suite struct InstallTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("install-\(UUID().uuidString)")

    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Subprocess.Result {
        try await Subprocess.run(URL(fileURLWithPath: program), arguments, environment: environment)
    }

    /// `command` run by the installed binary's name through PATH, from a folder of its own, in a
    /// mount namespace where `.build` is an empty folder; the development key, spool and every
    /// folder setting point nowhere else.
    static func installed(_ command: String, root: URL, environment: [String: String] = [:]) throws -> Subprocess {
        var build = Subprocess.strokepath.deletingLastPathComponent()
        while build.lastPathComponent != ".build", build.pathComponents.count > 1 { build.deleteLastPathComponent() }
        let work = scratch.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let script = "mount -t tmpfs tmpfs '\(build.path)' && cd '\(work.path)' && PATH='\(root.path)/usr/bin':\"$PATH\" exec strokepath \(command)"
        let process = try Subprocess(
            URL(fileURLWithPath: "/usr/bin/unshare"), ["--map-root-user", "--mount", "/bin/bash", "-c", script],
            environment: [
                "DATABASE_URL": "host=127.0.0.1 port=1 connect_timeout=1", "DATABASE_OWNER_URL": "",
                "STROKEPATH_DEV_KEY": work.appendingPathComponent("key.pem").path, "STROKEPATH_SPOOL_DIR": work.appendingPathComponent("spool").path,
                "STROKEPATH_SQL_DIR": "", "STROKEPATH_PROTOCOLS_DIR": "", "STROKEPATH_RESOURCES_DIR": "", "STROKEPATH_OIDC_ISSUER": "",
                "STROKEPATH_JWT_JWKS": "",
            ].merging(environment) { $1 })
        try process.start()
        return process
    }

    /// The status and body of a GET, by curl.
    static func get(_ port: Int, _ path: String) async throws -> (status: String, body: String) {
        let result = try await run("/usr/bin/curl", ["-s", "--max-time", "10", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    @Test(.timeLimit(.minutes(10))) func theInstalledServiceRunsFromItsOwnPlaces() async throws {
        let root = Self.scratch.appendingPathComponent("root")
        defer { try? FileManager.default.removeItem(at: root) }
        let install = try await Self.run(
            TestPaths.projectRoot.appendingPathComponent("ops/install").path, ["--root", root.path, "--binary", Subprocess.strokepath.path])
        try #require(install.status == 0, "\(install.errors)")
        let files = FileManager.default
        for path in [
            "usr/lib/strokepath/strokepath", "usr/lib/strokepath/StrokePath_Server.resources/Resources/templates/layout.mustache",
            "usr/lib/strokepath/SQL/migrations/0001_foundation.sql", "usr/lib/strokepath/Protocols/acute", "etc/strokepath/strokepath.env",
            "lib/systemd/system/strokepath.service", "usr/share/doc/strokepath/nginx.conf", "usr/share/doc/strokepath/operations.md",
        ] {
            #expect(files.fileExists(atPath: root.appendingPathComponent(path).path), "\(path)")
        }
        #expect(try files.destinationOfSymbolicLink(atPath: root.appendingPathComponent("usr/bin/strokepath").path) == "../lib/strokepath/strokepath")
        let settings = root.appendingPathComponent("etc/strokepath/strokepath.env")
        #expect((try files.attributesOfItem(atPath: settings.path)[.posixPermissions] as? Int) == 0o600, "the settings hold secrets")
        // The template holds only settings the service knows; its example provider has no secret yet.
        let check = try await Self.installed("config check", root: root, environment: ["STROKEPATH_CONFIG": settings.path]).finish(timeout: .seconds(60))
        #expect(check.status == 1 && check.errors.isEmpty, "\(check.output) \(check.errors)")
        let lines = check.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("STROKEPATH_OIDC_ISSUER https://login.example.org/realms/hospital [file]"), "\(check.output)")
        #expect(lines.contains { $0.hasPrefix("- STROKEPATH_OIDC_CLIENT_SECRET_FILE /etc/strokepath/client-secret") }, "\(check.output)")
        try Data("# the hospital's own settings\n".utf8).write(to: settings)
        #expect(
            try await Self.run(TestPaths.projectRoot.appendingPathComponent("ops/install").path, ["--root", root.path, "--binary", Subprocess.strokepath.path])
                .status == 0)
        #expect(try String(contentsOf: settings, encoding: .utf8) == "# the hospital's own settings\n", "an upgrade keeps the settings")

        // The unit, checked as on a host: the host's own systemd units beside it.
        let copied = try await Self.run("/bin/cp", ["-Rn", "/lib/systemd/system/.", root.appendingPathComponent("lib/systemd/system").path])
        try #require(copied.status == 0, "\(copied.errors)")
        let verify = try await Self.run("/usr/bin/systemd-analyze", ["verify", "--root=\(root.path)", "/lib/systemd/system/strokepath.service"])
        #expect(verify.status == 0 && verify.errors.isEmpty, "\(verify.errors)")

        // Run by name, as an operator types it: it finds its migrations beside itself.
        let migrate = try await Self.installed("migrate --status", root: root).finish(timeout: .seconds(60))
        #expect(!migrate.errors.contains("cannot find"), "\(migrate.errors)")
        #expect(migrate.errors.contains("connection") || migrate.errors.contains("connect"), "it got as far as the database: \(migrate.errors)")

        let port = try FreePort.take()
        let server = try Self.installed("serve --port \(port)", root: root)
        defer { kill(server.process.processIdentifier, SIGKILL) }
        while try await Self.get(port, "/health/live").status != "200" {
            guard server.process.isRunning else {
                let ended = try await server.finish()
                Issue.record("the installed service stopped: \(ended.errors)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let signIn = try await Self.get(port, "/sign-in")
        #expect(signIn.status == "200" && signIn.body.contains("<h1>Sign in</h1>"), "its templates, from the installed resources")
        #expect(try await Self.get(port, "/static/app.css").status == "200")
        #expect(try await Self.get(port, "/openapi.yaml").status == "200")
    }

    @Test(.timeLimit(.minutes(10))) func withoutItsResourcesTheServiceSaysWhatIsMissing() async throws {
        let root = Self.scratch.appendingPathComponent("bare")
        defer { try? FileManager.default.removeItem(at: root) }
        let install = try await Self.run(
            TestPaths.projectRoot.appendingPathComponent("ops/install").path, ["--root", root.path, "--binary", Subprocess.strokepath.path])
        try #require(install.status == 0, "\(install.errors)")
        try FileManager.default.removeItem(at: root.appendingPathComponent("usr/lib/strokepath/StrokePath_Server.resources"))
        let ended = try await Self.installed("serve --port \(try FreePort.take())", root: root).finish(timeout: .seconds(60))
        #expect(ended.status != 0)
        #expect(ended.errors.contains("StrokePath_Server.resources folder next to the binary"), "\(ended.errors)")
        #expect(!ended.errors.contains("Fatal error"))
    }
}
