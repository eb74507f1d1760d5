import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresTestSupport
import Storage
import Testing

/// Pages in a real browser: Debian's chromium, headless.
@Suite struct PageTests {
    struct Load {
        let dom: String
        let consoleMessages: [String]
    }

    /// Loads a URL in headless Chromium; returns the DOM and every console message.
    static func load(_ url: String) async throws -> Load {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            throw TestSetupError(message: "chromium is not installed: run ops/setup")
        }
        let result = try await Subprocess.run(
            URL(fileURLWithPath: chromium),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path)",
                "--dump-dom", url,
            ])
        let console = result.errors.split(separator: "\n").filter { $0.contains("CONSOLE") }.map(String.init)
        return Load(dom: result.output, consoleMessages: console)
    }

    @Test func consoleErrorsAreSeen() async throws {
        let load = try await Self.load("data:text/html,<p>x</p><script>console.error('deliberate')</script>")
        #expect(load.consoleMessages.contains { $0.contains("deliberate") })
    }

    @Test func statusPageLoadsWithoutConsoleErrors() async throws {
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app) { client in
                let port = try #require(client.port)
                try await client.execute(uri: "/health/live", method: .get) { _ in }
                let load = try await Self.load("http://127.0.0.1:\(port)/")
                #expect(load.dom.contains("<h1>Service status</h1>"))
                #expect(load.dom.contains("Background jobs") && load.dom.contains("0 running, 0 queued"), "the durable jobs of every instance")
                #expect(load.dom.contains("Reachable"))
                let expected = try MigrationSet(directory: TestPaths.migrations).migrations.count
                #expect(load.dom.contains("\(expected) of \(expected) migrations"))
                #expect(load.dom.contains("Up to date."))
                #expect(load.dom.contains("<svg"))
                #expect(load.consoleMessages.isEmpty, "console: \(load.consoleMessages)")
            }
        }
    }

    @Test func signInPageLoadsWithoutConsoleErrors() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            let port = try #require(client.port)
            let load = try await Self.load("http://127.0.0.1:\(port)/sign-in")
            #expect(load.dom.contains("<h1>Sign in</h1>"))
            #expect(load.dom.contains(#"name="csrf""#))
            #expect(load.consoleMessages.isEmpty, "console: \(load.consoleMessages)")
        }
    }
}
