import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Testing

@testable import Server

/// A patient's name and contact on a page (issue 21, item 3): written by the care staff of the
/// patient's organisation, a refused field named with nothing stored, another hospital's
/// clinician answered as for an unknown patient, and roles without care refused.
@Suite struct PatientIdentityPageTests {
    @Test func aClinicianRecordsTheNameAndARefusedFieldChangesNothing() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let south = DemoData.organisations[2].id
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            let patient = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT id FROM patients WHERE organisation_id = \(AcutePageTests.north) ORDER BY pseudonym LIMIT 1").single()
                    .decode(UUID.self)
            }
            @Sendable func stored() async throws -> String? {
                try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT display_name FROM patient_identities WHERE patient_id = \(patient)").first?.decode(String.self)
                }
            }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                func session(_ role: Role, _ organisation: UUID) async throws -> PageSession {
                    let token = try await Harness.token(role, subject: "\(role.rawValue)-\(organisation)", organisations: [organisation], keyFile: keyFile)
                    return PageSession(client: client, session: try await Harness.signIn(client, token: token), port: port)
                }
                let path = "/patients/\(patient.uuidString.lowercased())/identity"
                let clinician = try await session(.clinician, AcutePageTests.north)
                let page = try await clinician.get(path)
                #expect(page.status == .ok && page.html.contains("name=\"display_name\""))
                let csrf = try #require(page.csrf)
                let refused = try await clinician.post(path, ["display_name": "Tolvan Tolvansson", "personal_number": "19121212-1213"], csrf: csrf)
                #expect(refused.status == .unprocessableContent && refused.html.contains("Personal identity number: must be a Swedish personal identity"))
                #expect(try await stored() == nil, "a refused field stores nothing")
                let badPhone = try await clinician.post(path, ["display_name": "Tolvan Tolvansson", "phone": "call me"], csrf: csrf)
                #expect(badPhone.status == .unprocessableContent && badPhone.html.contains("Phone: must be digits"))
                let saved = try await clinician.post(
                    path, ["display_name": "Tolvan Tolvansson", "personal_number": "19121212-1212", "preferred_language": "en", "phone": "+46 8 123 45"],
                    csrf: csrf)
                #expect(saved.status == .seeOther)
                #expect(try await clinician.get(try #require(saved.location)).html.contains("Saved."))
                #expect(try await stored() == "Tolvan Tolvansson")
                #expect(try await clinician.get(path).html.contains("value=\"191212121212\""), "the number as stored, normalised")

                let other = try await session(.clinician, south)
                #expect(try await other.get(path).status == .notFound)
                let otherForm = try await other.get("/acute/episodes")
                #expect(try await other.post(path, ["display_name": "Someone Else"], csrf: try #require(otherForm.csrf)).status == .notFound)
                #expect(try await stored() == "Tolvan Tolvansson")
                for role in [Role.therapist, .planner, .auditor, .admin] {
                    #expect(try await session(role, AcutePageTests.north).get(path).status == .forbidden, "\(role)")
                }
            }
        }
    }
}
