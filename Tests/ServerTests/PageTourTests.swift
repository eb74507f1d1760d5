import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// Every other page, as the role that opens it sees it, in Chromium (issue 21, item 6): the
/// status, sign-in, account and error pages, the auditor's break-glass page, the admin's
/// guideline profiles, a patient's recovery with a what-if and their name and contact, each shot
/// at 1280, 768 and 375 px, fitting each width, with no serious or critical axe-core violation, in English and Swedish.
/// (The clinic's, the acute and the report pages have their own flows.)
@Suite struct PageTourTests {
    @Test(.timeLimit(.minutes(10))) func everyRolesPagesPassTheLayoutAndAccessibilityChecks() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        func token(_ role: Role, _ organisation: UUID) async throws -> String {
            try await DevelopmentKey.issueToken(
                for: Identity(subject: "tour-\(role.rawValue)", name: "Tour", role: role, organisations: [organisation]), lifetime: 900, keyFile: keyFile)
        }
        let clinician = try await token(.clinician, DemoClinicFixture.clinic)
        let auditor = try await token(.auditor, DemoClinicFixture.clinic)
        let admin = try await token(.admin, AcutePageTests.north)
        try await TestDatabase.with { database in
            let now = try await database.now()
            let patient = try await database.withPool(.app) { pool in
                _ = try await DemoClinicFixture.load(into: pool)
                return try await RecoveryFixture.patient(in: pool, now: now, fm: [(2, 14), (7, 20), (13, 26), (20, 31)])
            }.uuidString.lowercased()
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let base = "http://127.0.0.1:\(try #require(client.port))"
                try await Browser.with { browser in
                    for language in ["en", "sv"] {
                        try await browser.open("\(base)/?lang=\(language)")
                        try await RehabDailyPageTests.check(browser, "status-\(language)")
                        try await browser.open("\(base)/sign-in")
                        try await RehabDailyPageTests.check(browser, "sign-in-\(language)")
                        try await browser.open("\(base)/no-such-page")
                        try await RehabDailyPageTests.check(browser, "error-404-\(language)")
                    }
                    try await browser.open("\(base)/sign-in?lang=en")
                    for (role, token, pages) in [
                        ("clinician", clinician, ["/account", "/patients/\(patient)/recovery?whatif=1&PT=60&from=25&to=90", "/patients/\(patient)/identity"]),
                        ("auditor", auditor, ["/audit/break-glass"]), ("admin", admin, ["/acute/profiles"]),
                    ] {
                        try await browser.open("\(base)/sign-in")
                        try await browser.type("#token", token)
                        try await browser.clickAndWait("button[type=submit]")
                        for page in pages {
                            try await browser.open("\(base)\(page)")
                            let name = "\(role)-\(page.split(separator: "?")[0].split(separator: "/").last.map(String.init) ?? "page")"
                            try await RehabDailyPageTests.check(browser, name)
                        }
                        try await browser.open("\(base)/account")
                        try await browser.clickAndWait("form[action=\"/sign-out\"] button")
                    }
                    // The error pages were asked for on purpose: their 404 is the one message expected.
                    let errors = try await browser.consoleErrors().filter { !$0.contains("no-such-page") }
                    #expect(errors.isEmpty, "\(errors)")
                }
            }
        }
    }
}
