import Foundation
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Testing

@testable import Server

/// Pages used as a person uses them, in a real browser that types and clicks (the shared
/// `Browser` harness: Debian's chromium-driver over WebDriver), not by posting forms.
@Suite struct BrowserFlowTests {
    /// A clinician opens the acute page, is sent to sign in, pastes the token, fills in vector
    /// C01 field by field (typing numbers, picking options, ticking boxes), submits, and reads
    /// the answer; no page writes an error to the console.
    @Test(.timeLimit(.minutes(10))) func aClinicianSignsInFillsInTheAcuteFormAndReadsTheAnswer() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-browser", name: "Dr Browser", role: .clinician, organisations: [AcutePageTests.north]), lifetime: 600,
            keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let base = "http://127.0.0.1:\(try #require(client.port))"
                try await Browser.with { browser in
                    try await browser.open("\(base)/acute")
                    #expect(try await browser.location() == "\(base)/sign-in?return_to=/acute", "signed out: to the sign-in page")
                    try await browser.type("#token", token)
                    try await browser.clickAndWait("button[type=submit]")
                    #expect(try await browser.location() == "\(base)/acute", "back to the page asked for")
                    try await browser.fill(AcutePageTests.c01)
                    try await browser.clickAndWait("button[type=submit]")
                    #expect(try await browser.text("h1") == "Acute decision")
                    let answer = try await browser.source()
                    #expect(answer.contains("eligible"))
                    #expect(answer.contains("Tenecteplase 22.5 mg = 4.5 mL"))
                    #expect(try await browser.consoleErrors().isEmpty)
                }
                let stored = try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT count(*) FROM acute_evaluations WHERE evaluated_by = 'dr-browser'").single().decode(Int.self)
                }
                #expect(stored == 1, "the evaluation the browser asked for is recorded")
            }
        }
    }
}
