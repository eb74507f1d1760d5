import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The recovery chart in headless Chromium: observations, curve, band, therapy bars, the
/// what-if form redrawing the projection, and an assessment recorded from the page.
@Suite struct RecoveryPageTests {
    @Test func recoveryChartWhatIfAndAssessmentWorkInABrowser() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinician = try await DevelopmentKey.issueToken(
            for: Identity(subject: "clinician", name: "Clinician", role: .clinician, organisations: [DemoClinicFixture.clinic]), lifetime: 900, keyFile: keyFile
        )
        let planner = try await DevelopmentKey.issueToken(
            for: Identity(subject: "planner", name: "Planner", role: .planner, organisations: [DemoClinicFixture.clinic]), lifetime: 900, keyFile: keyFile)
        try await TestDatabase.with { database in
            let now = try await database.now()
            let patient = try await database.withPool(.app) { pool in
                _ = try await DemoClinicFixture.load(into: pool)
                return try await RecoveryFixture.patient(in: pool, now: now, fm: [(2, 14), (7, 20), (13, 26), (20, 31)])
            }.uuidString.lowercased()
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                let browser = PageSession(client: client, session: try await Harness.signIn(client, token: clinician), port: port)
                let path = "/patients/\(patient)/recovery"
                #expect(try await client.execute(uri: path, method: .get) { $0.status } == .seeOther, "signed out: to the sign-in page")
                let plannerBrowser = PageSession(client: client, session: try await Harness.signIn(client, token: planner), port: port)
                #expect(try await plannerBrowser.get(path).status == .forbidden)

                let page = try await browser.get(path)
                #expect(page.status == .ok)
                let dom = try await browser.render(page.html)
                #expect(dom.contains("Recovery of \(RecoveryFixture.pseudonym)"))
                #expect(dom.contains("<polygon class=\"band\""), "the shaded band")
                #expect(dom.contains("<polyline class=\"line\""), "the fitted curve")
                #expect(dom.components(separatedBy: "class=\"dot observed\"").count - 1 == 4 + 1, "four observations and the legend's swatch")
                #expect(dom.components(separatedBy: "class=\"therapy pt\"").count - 1 == 10 + 1, "ten days of physiotherapy and the legend's swatch")
                #expect(dom.contains("FM-UE at day 90:") && dom.contains("χ² model test"))
                #expect(dom.contains("neurovascular-recovery 0.1, parameters recovery-2026.12.1"))
                #expect(!dom.contains("whatif\" fill"), "no what-if curve before one is asked for")

                // The what-if form redraws the projection with the proposed dose.
                let whatIf = try await browser.get("\(path)?whatif=1&PT=60&OT=60&SLP=0&BAL=30&from=25&to=90")
                #expect(whatIf.status == .ok)
                let whatIfDOM = try await browser.render(whatIf.html)
                #expect(whatIfDOM.contains("class=\"line whatif\""), "the what-if curve")
                #expect(whatIfDOM.contains("<polygon class=\"band whatif\""), "the what-if's own band (issue 21, item 4)")
                #expect(whatIfDOM.contains("class=\"therapy proposed\""), "the proposed dose on the therapy strip")
                #expect(whatIfDOM.contains("over the parameter values the patient's data allow"), "the difference with its uncertainty")
                #expect(whatIfDOM.contains("<details class=\"card narrow estimates\""), "the model's parameters behind a toggle")
                #expect(whatIfDOM.contains("With the proposal: +"), "more therapy projects a gain")
                #expect(whatIfDOM.contains("speculative parameter k_B"), "balneotherapy: the speculative parameter named")
                #expect(try await browser.get("\(path)?whatif=1&PT=600&from=25&to=90").status == .unprocessableContent)

                // An assessment recorded from the page appears and refits the curve.
                let csrf = try #require(page.csrf)
                let onset = try #require(
                    page.html.range(of: #"Onset \d{4}-\d{2}-\d{2}"#, options: .regularExpression).map { String(page.html[$0].dropFirst(6)) })
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyy-MM-dd"
                let day30 = formatter.string(from: (formatter.date(from: onset) ?? now) + 30 * 86_400)
                let recorded = try await browser.post(
                    path, ["instrument": "FM-UE", "value": "36", "observedAt": "\(day30)T10:00", "rater": "PT Anna"], csrf: csrf)
                #expect(recorded.status == .ok && recorded.html.contains("Recorded FM-UE 36."))
                let after = try await browser.render(recorded.html)
                #expect(after.components(separatedBy: "class=\"dot observed\"").count - 1 == 5 + 1)
                let refused = try await browser.post(
                    path, ["instrument": "FM-UE", "value": "70", "observedAt": "\(day30)T11:00", "rater": "PT Anna"], csrf: csrf)
                #expect(refused.status == .unprocessableContent)
            }
        }
    }
}
