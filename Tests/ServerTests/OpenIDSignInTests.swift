import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Postgres
import PostgresTestSupport
import Seed
import ServiceLifecycle
import Synchronization
import Testing

@testable import Server

/// Staff sign in through a real OpenID provider (issue 20): ops/test starts LemonLDAP::NG
/// (`ops/idp`, Debian's packages) with a demo user per role, and these tests drive its own
/// login page in Chromium: the code flow with PKCE, the claim mapping of `ops/idp env` (groups
/// and HSA units to roles and organisations), sign-out here and at the provider (back-channel),
/// and a rotated signing key taken without a restart. The service listens on the one port the
/// provider knows it by, so the tests take turns.
@Suite(.serialized) struct OpenIDSignInTests {
    /// The provider's settings as `ops/idp env` gives them to `serve`, and the service's port.
    static func provider() async throws -> (settings: OpenIDSettings, port: Int, issuer: String) {
        let environment = ProcessInfo.processInfo.environment
        guard environment["STROKEPATH_IDP_NAME"] != nil, environment["STROKEPATH_PUBLIC_URL"] != nil else {
            throw TestSetupError(message: "no identity provider: run the tests through ops/test, which starts ops/idp")
        }
        let printed = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["env"])
        var settings: [String: String] = [:]
        for line in printed.output.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            guard assignment.count == 2 else { continue }
            settings[assignment[0]] = assignment[1].trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard case .provider(var openID) = try AuthenticationEnvironment.settings(settings).keys,
            let port = URL(string: settings["STROKEPATH_PUBLIC_URL"] ?? "")?.port, let issuer = settings["STROKEPATH_OIDC_ISSUER"]
        else { throw TestSetupError(message: "ops/idp env did not describe a provider: \(printed.output) \(printed.errors)") }
        // A rotation takes the provider two seconds: the service may ask for its keys again after one.
        openID.keyRefreshInterval = .seconds(1)
        return (openID, port, issuer)
    }

    /// Runs `body` with a live service signing in through the provider, on the demo data.
    static func withService(_ body: @escaping @Sendable (_ base: String, _ issuer: String, _ database: TestDatabase) async throws -> Void) async throws {
        let (settings, port, issuer) = try await provider()
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            var configuration = Harness.configuration(database: database.app)
            configuration.port = port
            configuration.authentication = .provider(settings)
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, metrics: Harness.metrics)
            // Run as `serve` runs it (the test framework's live mode would pick a port of its own).
            let ended = Ended()
            let server = Task {
                defer { ended.flag.withLock { $0 = true } }
                try await app.run()
            }
            do {
                while await
                    (try? TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        try await client.execute(TestClient.Request("/health/live", method: .get, headers: [:])).status == .ok
                    }) != true
                {
                    guard !ended.flag.withLock({ $0 }) else {
                        throw TestSetupError(message: "the service stopped before it answered on port \(port): \(String(describing: await server.result))")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await body("http://127.0.0.1:\(port)", issuer, database)
            } catch {
                server.cancel()
                _ = await server.result
                throw error
            }
            server.cancel()
            _ = await server.result
        }
    }

    /// Whether the service's task has ended.
    final class Ended: Sendable {
        let flag = Mutex(false)
    }

    /// Signs in at the provider's own login page as `user` (password = user), starting from
    /// `page` (which sends to the sign-in page); the service's reason when it refuses the
    /// sign-in, nil when it signs the user in.
    @discardableResult
    static func signIn(_ browser: Browser, as user: String, at page: String, base: String) async throws -> String? {
        try await browser.open("\(base)\(page)")
        try await browser.waitFor(location: "\(base)/sign-in?return_to=\(page)")
        try await browser.clickAndWait("#provider-sign-in")
        try await browser.type("#userfield", user)
        try await browser.type("#passwordfield", user)
        try await browser.clickAndWait("#lform button[type=submit]")
        // Back on the service: the signed-in page (which moves on by itself), or the sign-in page with the reason.
        let location = try await browser.location()
        guard location.hasPrefix(base) else { return "still at the provider: \(location)" }
        guard location.hasPrefix("\(base)/sign-in/callback") else { return nil }
        return try? await browser.text("[role=alert]")
    }

    static func sessions(of subject: String, in database: TestDatabase) async throws -> Int {
        try await database.withPool(.superuser) { pool in
            try await pool.query("SELECT count(*) FROM web_sessions WHERE subject = \(subject)").single().decode(Int.self)
        }
    }

    /// A clinician signs in at the provider and comes back to the page asked for, with the
    /// name, role and organisation the mapping gives; signing out ends the session here and the
    /// provider's, so that the next sign-in asks for the password again.
    @Test(.timeLimit(.minutes(10))) func aClinicianSignsInAtTheProviderAndOut() async throws {
        try await Self.withService { base, _, database in
            try await Browser.with { browser in
                try #require(try await Self.signIn(browser, as: "clinician", at: "/account", base: base) == nil)
                try await browser.waitFor(location: "\(base)/account")
                let account = try await browser.source()
                #expect(account.contains("Clara Lind"))
                #expect(account.contains("<dd>Clinician</dd>"), "the role in words")
                #expect(account.contains("5e1d0000-0000-4000-8000-000000000002"), "SE-DEMO-NORTH mapped to the North hospital")
                #expect(try await Self.sessions(of: "clinician", in: database) == 1)

                try await browser.clickAndWait("form[action=\"/sign-out\"] button")
                #expect(try await Self.sessions(of: "clinician", in: database) == 0, "the session is gone")
                try await browser.waitFor(location: "\(base)/sign-in")
                try await browser.open("\(base)/account")
                #expect(try await browser.location() == "\(base)/sign-in?return_to=/account")
                try await browser.clickAndWait("#provider-sign-in")
                #expect(try await browser.source().contains("id=\"userfield\""), "the provider's session ended too: it asks again")
                #expect(try await browser.consoleErrors().isEmpty)
            }
        }
    }

    /// A planner lands on the regional report; a user the mapping gives two roles is refused
    /// with the reason on the sign-in page, and no session opens.
    @Test(.timeLimit(.minutes(10))) func eachRoleLandsOnItsPageAndTwoRolesAreRefused() async throws {
        try await Self.withService { base, _, database in
            try await Browser.with { browser in
                try #require(try await Self.signIn(browser, as: "planner", at: "/reports", base: base) == nil)
                try await browser.waitFor(location: "\(base)/reports")
                #expect(try await Self.sessions(of: "planner", in: database) == 1)
            }
            try await Browser.with { browser in
                let refusal = try await Self.signIn(browser, as: "twohats", at: "/account", base: base)
                #expect(refusal?.contains("more than one StrokePath role") == true)
                #expect(try await Self.sessions(of: "twohats", in: database) == 0)
            }
        }
    }

    /// Signing out at the provider (another application, or the provider's own page) ends the
    /// session here too: the provider posts a logout token to the back-channel.
    @Test(.timeLimit(.minutes(10))) func signingOutAtTheProviderEndsTheSessionHere() async throws {
        try await Self.withService { base, issuer, database in
            try await Browser.with { browser in
                try #require(try await Self.signIn(browser, as: "coordinator", at: "/rehab", base: base) == nil)
                try await browser.waitFor(location: "\(base)/rehab")
                #expect(try await Self.sessions(of: "coordinator", in: database) == 1)
                try await browser.open("\(issuer)/oauth2/logout")
                try await browser.clickAndWait("form.confirm button[type=submit]")
                #expect(try await Self.sessions(of: "coordinator", in: database) == 0, "the provider's logout token ended it")
                try await browser.open("\(base)/rehab")
                #expect(try await browser.location() == "\(base)/sign-in?return_to=/rehab")
            }
            // Only a logout token signed by the provider, with the logout event, ends anything.
            let port = try #require(URL(string: base)?.port)
            let accessToken = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["token", "coordinator"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            for body in ["", "logout_token=not.a.token", "logout_token=\(accessToken)"] {
                let status = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    try await client.execute(
                        TestClient.Request(
                            "/sign-in/back-channel-logout", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                            body: ByteBuffer(string: body))
                    ).status
                }
                #expect(status == .badRequest, "\(body.prefix(30))")
            }
        }
    }

    /// API callers bring the same provider's access tokens: a clinician's (`ops/idp token`)
    /// opens the API as the mapping says.
    @Test(.timeLimit(.minutes(10))) func theProvidersAccessTokenOpensTheAPI() async throws {
        try await Self.withService { base, _, _ in
            let printed = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["token", "clinician"])
            let token = printed.output.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(printed.status == 0 && !token.isEmpty, "\(printed.errors)")
            let port = try #require(URL(string: base)?.port)
            let identity = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let response = try await client.execute(TestClient.Request("/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]))
                #expect(response.status == .ok)
                return try JSONDecoder().decode(Identity.self, from: Data(response.body.map { Array($0.readableBytesView) } ?? []))
            }
            #expect(identity == Identity(subject: "clinician", name: "Clara Lind", role: .clinician, organisations: [AcutePageTests.north]))
            // The ID token given with it names this service as its audience too, but opens nothing.
            let idToken = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["id-token", "clinician"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(!idToken.isEmpty)
            let refused = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                try await client.execute(TestClient.Request("/api/v1/me", method: .get, headers: [.authorization: "Bearer \(idToken)"])).status
            }
            #expect(refused == .unauthorized)

            // A hospital system with its own token (client credentials) acts as configured for it.
            let system = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["system-token"])
            let systemToken = system.output.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(system.status == 0 && !systemToken.isEmpty, "\(system.errors)")
            let (me, patients) = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let me = try await client.execute(TestClient.Request("/api/v1/me", method: .get, headers: [.authorization: "Bearer \(systemToken)"]))
                let patients = try await client.execute(
                    TestClient.Request("/api/v1/patients", method: .get, headers: [.authorization: "Bearer \(systemToken)"]))
                return (try JSONDecoder().decode(Identity.self, from: Data(me.body.map { Array($0.readableBytesView) } ?? [])), patients.status)
            }
            #expect(me == Identity(subject: "system:registry", name: "registry (system)", role: .planner, organisations: [Self.syntheticRegion]))
            #expect(patients == .forbidden, "a planner system reads no patient")
            // The North hospital's record system (role integration) sends a transaction and reads nothing.
            let his = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["system-token", "his"])
            let hisToken = his.output.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(his.status == 0 && !hisToken.isEmpty, "\(his.errors)")
            let bundle = try await FHIRIntakeTests.bundle([
                "--organisation", AcutePageTests.north.uuidString.lowercased(), "--patients", "1", "--observations", "2", "--prefix", "HIS-IDP",
            ])
            let (sent, sentBody, read) = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let headers: HTTPFields = [.authorization: "Bearer \(hisToken)", .contentType: "application/fhir+json"]
                let sent = try await client.execute(TestClient.Request("/fhir/R4", method: .post, headers: headers, body: ByteBuffer(bytes: bundle)))
                let read = try await client.execute(TestClient.Request("/api/v1/patients", method: .get, headers: headers))
                return (sent.status, String(buffer: sent.body ?? ByteBuffer()), read.status)
            }
            #expect(sent == .ok && sentBody.contains("201 Created"), "\(sentBody.prefix(500))")
            #expect(read == .forbidden, "a hospital system reads no patient")
            // Pasted into the sign-in page, a system's token opens no web session.
            let csrf = String(repeating: "5", count: 64)
            let pasted: (HTTPResponse.Status, String?) = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let response = try await client.execute(
                    TestClient.Request(
                        "/sign-in", method: .post,
                        headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.csrfCookie)=\(csrf)"],
                        body: SignInTests.form(["token": systemToken, "csrf": csrf])))
                return (response.status, response.headers[values: .setCookie].joined(separator: "; "))
            }
            #expect(pasted.0 == .unauthorized, "\(pasted.0)")
            #expect(!(pasted.1 ?? "").contains(WebSession.sessionCookie), "no session cookie: \(pasted.1 ?? "")")
        }
    }

    /// The demo's synthetic reporting region (fixed on every install).
    static let syntheticRegion = UUID(uuidString: "b2c60fbe-d384-4484-b6de-d8b624b2d4c8") ?? UUID()

    /// The provider rotates its signing key while the service runs: the next sign-in's ID
    /// token names a key the service has not seen, which it fetches, and the sign-in succeeds.
    @Test(.timeLimit(.minutes(10))) func aRotatedProviderKeyIsTakenWithoutARestart() async throws {
        try await Self.withService { base, _, database in
            try await Browser.with { browser in
                try #require(try await Self.signIn(browser, as: "therapist", at: "/rehab", base: base) == nil)
                try await browser.waitFor(location: "\(base)/rehab")
            }
            let kid = "rotated-\(UUID().uuidString.prefix(8).lowercased())"
            let rotation = try await Subprocess.run(TestPaths.projectRoot.appendingPathComponent("ops/idp"), ["rotate-key", kid])
            #expect(rotation.status == 0, "\(rotation.errors)")
            try await Browser.with { browser in
                try #require(try await Self.signIn(browser, as: "therapist", at: "/rehab", base: base) == nil)
                try await browser.waitFor(location: "\(base)/rehab")
            }
            #expect(try await Self.sessions(of: "therapist", in: database) == 2)
        }
    }
}
