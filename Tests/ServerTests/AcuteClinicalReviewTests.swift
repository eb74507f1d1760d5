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

/// The acute findings of the December 2026 clinical review that show at the edges: the form
/// (A17, A18), the profile an organisation follows and what answers and the profiles page say
/// about it (E4, O8), and bad values of the new fields refused by the API (A4, A10).
@Suite struct AcuteClinicalReviewTests {
    static let north = DemoData.organisations[1].id

    static func keyFile() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem") }

    /// Opens `page` signed in with `token`: the page, its CSRF token and the headers a form post carries.
    static func open(_ client: some TestClientProtocol, token: String, page: String = "/acute") async throws -> (
        headers: HTTPFields, csrf: String, html: String
    ) {
        let session = try await Harness.signIn(client, token: token)
        let (csrf, html): (String?, String) = try await client.execute(uri: page, method: .get, headers: [.cookie: session]) { response in
            #expect(response.status == .ok)
            return (SignInTests.cookie(WebSession.csrfCookie, in: response)?.value, response.text)
        }
        let token = try #require(csrf)
        return ([.contentType: "application/x-www-form-urlencoded", .cookie: "\(session); \(WebSession.csrfCookie)=\(token)"], token, html)
    }

    @Test func A18_A17_theFormRefusesBlankTimesAndNamesUnconfirmedHistory() async throws {
        let keyFile = Self.keyFile()
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-form", name: "Dr Form", role: .clinician, organisations: [Self.north]), lifetime: 600, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                let (headers, csrf, _) = try await Self.open(client, token: token)
                for (blank, label) in [("needle_in", "Needle expected in"), ("puncture_in", "Groin puncture expected in")] {
                    var values = AcutePageTests.c01
                    values["csrf"] = csrf
                    values[blank] = ""
                    let refused: String = try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(values)) { response in
                        #expect(response.status == .unprocessableContent)
                        return response.text
                    }
                    #expect(refused.contains("<li><span>\(label)</span>: <span>is required"), "the field by its label")
                    let shown = try await PageTests.load(try AcutePageTests.saved(refused, port: port))
                    #expect(shown.dom.contains("<span>\(label)</span>: <span>is required"), "the browser did not show the refusal")
                }
                #expect(
                    try await database.withPool(.superuser) { pool in
                        try await pool.query("SELECT count(*) FROM acute_evaluations").single().decode(Int.self)
                    } == 0)
                var unreviewed = AcutePageTests.c01
                unreviewed["csrf"] = csrf
                unreviewed["history_reviewed"] = nil
                let answer: String = try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(unreviewed)) { response in
                    #expect(response.status == .ok)
                    return response.text
                }
                #expect(answer.contains("Recent events not confirmed"))
                #expect(answer.contains("history.ischemic_stroke_days_ago"))
                var reviewed = AcutePageTests.c01
                reviewed["csrf"] = csrf
                let clean: String = try await client.execute(uri: "/acute", method: .post, headers: headers, body: SignInTests.form(reviewed)) { response in
                    #expect(response.status == .ok)
                    return response.text
                }
                #expect(!clean.contains("not confirmed"))
            }
        }
    }

    @Test func E4_newOrganisationsFollowTheProtocolDefaultAndOlderChoicesAreToldOfTheNewerProfile() async throws {
        let keyFile = Self.keyFile()
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-profile", keyFile: keyFile)
        let adminToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "admin-profile", name: "Admin", role: .admin, organisations: [Self.north]), lifetime: 600, keyFile: keyFile)
        let doctorToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "dr-page-profile", name: "Dr", role: .clinician, organisations: [Self.north]), lifetime: 600, keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            #expect(try await database.withPool { try await OrganisationSettings.acuteProfile(of: Self.north, pool: $0) } == .protocolDefault)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let body = try AcuteAPITests.presentation("C51")
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created)
                    let evaluation = response.json["evaluation"] as? [String: Any] ?? response.json
                    #expect(evaluation["profile"] as? String == "aha-2026")
                    #expect((evaluation["profile_notices"] as? [String])?.contains { $0.contains("newer profile") } == false)
                    let evt = evaluation["evt"] as? [String: Any]
                    #expect(evt?["basis"] as? String == "no_statement")
                }
                let (headers, csrf, page) = try await Self.open(client, token: adminToken, page: "/acute/profiles")
                #expect(page.contains("superseded by aha-2026"))
                #expect(page.contains("Not yet read in the primary full text"))
                let saved: String = try await client.execute(
                    uri: "/acute/profiles", method: .post, headers: headers,
                    body: SignInTests.form(["csrf": csrf, "organisation": Self.north.uuidString, "profile": "aha-2019"])
                ) { response in
                    #expect(response.status == .ok)
                    return response.text
                }
                #expect(saved.contains("A newer profile exists: aha-2026"))
                let port = try #require(client.port)
                let shown = try await PageTests.load(try AcutePageTests.saved(saved, port: port))
                #expect(shown.dom.contains("superseded by aha-2026"))
                #expect(shown.consoleMessages.isEmpty, "console: \(shown.consoleMessages)")
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)) { response in
                    let evaluation = response.json["evaluation"] as? [String: Any] ?? response.json
                    #expect(evaluation["profile"] as? String == "aha-2019")
                    #expect((evaluation["profile_notices"] as? [String])?.contains { $0.contains("a newer profile exists, aha-2026") } == true)
                }
                let (clinicianHeaders, _, clinicianPage) = try await Self.open(client, token: doctorToken, page: "/acute/profiles")
                #expect(!clinicianPage.contains("<form method=\"post\" action=\"/acute/profiles\""))
                try await client.execute(
                    uri: "/acute/profiles", method: .post, headers: clinicianHeaders,
                    body: SignInTests.form(["csrf": "x", "organisation": Self.north.uuidString, "profile": "eso"])
                ) { response in
                    #expect(response.status == .forbidden)
                }
            }
            #expect(try await database.withPool { try await OrganisationSettings.acuteProfile(of: Self.north, pool: $0) } == .chosen("aha-2019"))
        }
    }

    @Test func A4_A10_badValuesOfTheNewFieldsAre422NamingEachField() async throws {
        let keyFile = Self.keyFile()
        let doctor = try await PatientAPITests.caller(.clinician, Self.north, subject: "dr-fields", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                var presentation = try #require(try JSONSerialization.jsonObject(with: Data(try AcuteAPITests.presentation().utf8)) as? [String: Any])
                var labs = presentation["labs"] as? [String: Any] ?? [:]
                labs["creatinine_clearance_ml_min"] = "abc"
                labs["anti_xa_level"] = -3
                labs["dilute_thrombin_time_s"] = 9_999
                presentation["labs"] = labs
                presentation["glucose_mmol_l"] = 12.0
                presentation["symptoms_suggest_sah"] = "maybe"
                let body = String(decoding: try JSONSerialization.data(withJSONObject: presentation), as: UTF8.self)
                try await client.execute(uri: "/api/v1/acute/evaluate", method: .post, headers: doctor.headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let fields = Set((response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    #expect(
                        fields == [
                            "labs.creatinine_clearance_ml_min", "labs.anti_xa_level", "labs.dilute_thrombin_time_s", "glucose_mmol_l",
                            "symptoms_suggest_sah",
                        ])
                }
                #expect(try await AcuteAPITests.count(database, "SELECT count(*) FROM acute_evaluations") == 0)
            }
        }
    }
}
