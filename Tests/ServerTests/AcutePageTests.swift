import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// The acute page: the form and the answer, served for a signed-in clinician and checked in
/// headless Chromium (the pages are saved with their stylesheet and script pointing at the
/// live server, since the browser cannot carry the test's session cookie).
@Suite struct AcutePageTests {
    static let north = DemoData.organisations[1].id

    /// The form values a stroke team would enter for vector C01 (80 kg, NIHSS 8, 90 min).
    static let c01: [String: String] = [
        "lkw_minutes_ago": "75", "needle_in": "15", "puncture_in": "45", "arrival_minutes_ago": "15", "times.onset_type": "witnessed",
        "age": "68", "sex": "M", "weight_kg": "80", "prestroke_mrs": "0", "nihss": "8", "deficit_disabling": "yes",
        "decreased_consciousness": "no", "visual_field_defect": "no", "bp.systolic": "160", "bp.diastolic": "90", "bp.lowerable": "yes",
        "glucose_mg_dl": "126", "labs.platelets_10e9_l": "230", "labs.inr": "1.0", "labs.aptt_s": "30", "labs.pt_s": "12",
        "anticoagulant.type": "none", "imaging.modality": "NCCT+CTA", "imaging.hemorrhage": "no", "imaging.hypodensity_extent": "none",
        "imaging.early_infarct_signs": "no", "imaging.hyperdense_artery_sign": "no", "imaging.occlusion_site": "none", "imaging.aspects": "10",
        "history_reviewed": "on", "history.hypertension": "on", "facility": "EVT_capable", "evt_accessible": "yes", "planned_evt": "no",
    ]

    /// Saves a page so headless Chromium loads it with the live server's stylesheet and script.
    static func saved(_ html: String, port: Int) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("acute-\(UUID().uuidString).html")
        try html.replacingOccurrences(of: "\"/static/", with: "\"http://127.0.0.1:\(port)/static/").write(to: file, atomically: true, encoding: .utf8)
        return file.absoluteString
    }

    @Test func formAndAnswerWorkInABrowser() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-page", name: "Dr Page", role: .clinician, organisations: [Self.north]), lifetime: 600, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                try await client.execute(uri: "/acute", method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/sign-in?return_to=/acute")
                }
                let session = try await Harness.signIn(client, token: token)
                let formResponse: (csrf: String?, html: String) = try await client.execute(uri: "/acute", method: .get, headers: [.cookie: session]) {
                    response in
                    #expect(response.status == .ok)
                    return (SignInTests.cookie(WebSession.csrfCookie, in: response)?.value, response.text)
                }
                let csrf = try #require(formResponse.csrf)
                let form = formResponse.html
                let formLoad = try await PageTests.load(try Self.saved(form, port: port))
                #expect(formLoad.dom.contains(#"name="lkw_minutes_ago""#))
                #expect(formLoad.dom.contains("History reviewed"))
                #expect(formLoad.consoleMessages.isEmpty, "console: \(formLoad.consoleMessages)")

                let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "\(session); \(WebSession.csrfCookie)=\(csrf)"]
                var values = Self.c01
                values["csrf"] = csrf
                let policyHeader = try #require(HTTPField.Name("Content-Security-Policy"))
                let answer: String = try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(values)) { response in
                    #expect(response.status == .ok)
                    let policy = response.headers[policyHeader] ?? ""
                    #expect(policy.contains("script-src 'self'"))
                    return response.text
                }
                #expect(answer.contains("eligible"))
                #expect(answer.contains("standard_0_3h"))
                #expect(answer.contains("Tenecteplase 22.5 mg = 4.5 mL"))
                #expect(answer.contains("Alteplase 72 mg"))
                #expect(answer.contains("If IVT is given") && answer.contains("cryoprecipitate"), "the orders card (issue 18)")
                #expect(answer.contains("Antiplatelet therapy") && answer.contains("no antiplatelet agent now"), "no antiplatelet while IVT is on the table")
                #expect(answer.contains("class=\"seg seg0\""))
                let stored = try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT count(*) FROM acute_evaluations WHERE evaluated_by = 'dr-page'").single().decode(Int.self)
                }
                #expect(stored == 1)
                let answerLoad = try await PageTests.load(try Self.saved(answer, port: port))
                #expect(answerLoad.dom.contains("1 h 15 min"), "the clock script did not run (the server wrote 75 min)")
                #expect(answerLoad.dom.contains("<svg"))
                #expect(answerLoad.consoleMessages.isEmpty, "console: \(answerLoad.consoleMessages)")
                #expect(!answer.contains("id=\"hemorrhage\""), "no haemorrhage card without a haemorrhage")

                // A haemorrhage on warfarin (issue 18): the card comes first, with the target, the doses and the score.
                var bleed = values
                for (name, value) in [
                    ("imaging.hemorrhage", "yes"), ("anticoagulant.type", "warfarin"), ("labs.inr", "2.6"), ("gcs", "14"), ("imaging.ich_volume_ml", "12"),
                    ("imaging.intraventricular_hemorrhage", "no"), ("imaging.infratentorial", "no"), ("bp.systolic", "190"),
                ] { bleed[name] = value }
                let bleedAnswer: String = try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(bleed)) { response in
                    #expect(response.status == .ok)
                    return response.text
                }
                let card = try #require(bleedAnswer.range(of: "id=\"hemorrhage\"")).lowerBound
                #expect(card < (bleedAnswer.range(of: "IV thrombolysis")?.lowerBound ?? card), "the haemorrhage card comes first")
                #expect(bleedAnswer.contains("4F-PCC 2000 IU") && bleedAnswer.contains("vitamin K 10 mg") && bleedAnswer.contains("target of 140 mmHg"))
                #expect(bleedAnswer.contains("ICH score") && bleedAnswer.contains("must not be used alone to limit care"))
                let bleedLoad = try await PageTests.load(try Self.saved(bleedAnswer, port: port))
                #expect(bleedLoad.dom.contains("Intracerebral haemorrhage: what to do now") && bleedLoad.consoleMessages.isEmpty)

                values["age"] = ""
                values["nihss"] = "50"
                try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(values)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.text.contains("<span>Age</span>: <span>is required"), "the field by its label, the engine's detail in the page's words")
                    #expect(response.text.contains("<span>NIHSS</span>: <span>50 is outside 0–42"))
                    #expect(response.text.contains(#"value="68""#) == false)
                }
            }
        }
    }

    @Test func theAcutePageIsForClinicians() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "planner", name: "P", role: .planner, organisations: [Self.north]), lifetime: 600, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let session = try await Harness.signIn(client, token: token)
                try await client.execute(uri: "/acute", method: .get, headers: [.cookie: session]) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }
}
