import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The API side of the 2026-12 review's rehabilitation findings: flags outside the catalogue's
/// vocabulary are refused (R0), a booking with a precaution answers with the warning (R4) and
/// every session answer carries the evidence for its modality (R8).
@Suite struct RehabSafetyAPITests {
    typealias Caller = APICaller
    static let clinic = DemoClinicFixture.clinic

    /// A new patient of the clinic, stroke on 2026-11-01; the stay body with these flags.
    static func stayBody(_ patient: String, flags: [String]) -> [String: Any] {
        [
            "organisationId": clinic.uuidString, "patientId": patient, "setting": "inpatient", "strokeDate": "2026-11-01", "strokeType": "ischaemic",
            "team": 0, "flags": flags, "maxMinutesPerDay": 180, "minGapMinutes": 15, "timePreference": "none",
            "admittedOn": "2026-11-05", "dischargeOn": "2026-12-31", "availability": (0...4).map { ["weekday": $0, "start": "08:00", "end": "16:00"] },
        ]
    }

    /// Audited reads of a patient's rehab stay.
    static func stayReads(_ database: TestDatabase, _ patient: String) async throws -> Int {
        try await database.withPool(.superuser) { pool in
            try await pool.query(
                """
                SELECT count(*) FROM audit_events WHERE resource_type = 'RehabStay' AND action = 'read' AND patient_id = \(patient)::uuid
                """
            ).single().decode(Int.self)
        }
    }

    @Test func R0_R4_R8_flagsAreRefusedOrWarnedAndSessionsCarryTheirEvidence() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await Harness.token(.rehabCoordinator, subject: "coordinator", keyFile: keyFile)
        try await TestDatabase.with { database in
            let (therapists, rooms) = try await RehabAPITests.setUp(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let coordinator = Caller(client: client, token: token)
                let patient =
                    try #require(
                        try await coordinator.send(
                            .post, "/api/v1/patients",
                            [
                                "organisationId": Self.clinic.uuidString, "pseudonym": "API-R0", "birthYear": 1950, "sex": "male",
                            ]
                        ).json as? [String: Any])["id"] as? String ?? ""

                // R0: a misspelt flag is refused naming it and listing the allowed ones; nothing is stored.
                var answer = try await coordinator.send(.post, "/api/v1/rehab/stays", Self.stayBody(patient, flags: ["aphasia", "open_wounds"]))
                #expect(answer.status == .unprocessableContent && answer.type == "application/problem+json")
                let error = ((answer.json as? [String: Any])?["errors"] as? [[String: Any]])?.first
                #expect(error?["field"] as? String == "flags[1]")
                #expect((error?["detail"] as? String)?.contains("open_wounds is not a flag") == true)
                #expect((error?["detail"] as? String)?.contains("open_wound, uncontrolled_epilepsy") == true, "lists what is allowed")
                let stays = try await coordinator.send(.get, "/api/v1/rehab/stays?clinic=\(Self.clinic.uuidString)").json as? [[String: Any]]
                #expect(stays?.contains { $0["patientId"] as? String == patient } == false, "nothing stored")

                // The right flag is stored; replacing it with a misspelt one is refused and changes nothing.
                answer = try await coordinator.send(.post, "/api/v1/rehab/stays", Self.stayBody(patient, flags: ["urinary_incontinence"]))
                #expect(answer.status == .created)
                let stay = try #require((answer.json as? [String: Any])?["id"] as? String)
                answer = try await coordinator.send(.put, "/api/v1/rehab/stays/\(stay)", Self.stayBody(patient, flags: ["incontinent"]))
                #expect(answer.status == .unprocessableContent)
                #expect(
                    (try await coordinator.send(.get, "/api/v1/rehab/stays/\(stay)").json as? [String: Any])?["flags"] as? [String]
                        == ["urinary_incontinence"])

                // R4 + R8: urinary incontinence books the pool with a warning; the answer and GET carry the evidence.
                let start = DemoClinicFixture.at(day: 2, "10:00")
                let booking: [String: Any] = [
                    "organisationId": Self.clinic.uuidString, "modality": "HYDRO_IND", "therapistId": therapists["T02"]?.uuidString ?? "",
                    "roomId": rooms["POOL1"]?.uuidString ?? "", "start": RehabAPITests.iso(start), "end": RehabAPITests.iso(start + 1_800),
                    "patients": [patient],
                ]
                let staysReadBefore = try await Self.stayReads(database, patient)
                answer = try await coordinator.send(.post, "/api/v1/rehab/sessions", booking)
                #expect(answer.status == .created)
                // Reading the stay's flags for the precautions is a patient read: audited.
                #expect(try await Self.stayReads(database, patient) == staysReadBefore + 1)
                for json in [
                    answer.json,
                    try await coordinator.send(.get, "/api/v1/rehab/sessions/\((answer.json as? [String: Any])?["session"] as? String ?? "")").json,
                ] {
                    let session = json as? [String: Any]
                    let precautions = session?["precautions"] as? [[String: Any]]
                    #expect(precautions?.count == 1 && precautions?.first?["flag"] as? String == "urinary_incontinence")
                    #expect(precautions?.first?["patient"] as? String == "API-R0" && (precautions?.first?["sources"] as? [String])?.isEmpty == false)
                    let evidence = session?["evidence"] as? [String: Any]
                    #expect(evidence?["grade"] as? String == "low to moderate")
                    #expect(evidence?["sources"] as? [String] == ["mehrholz-2011", "veldema-2021"])
                }

                // Faecal incontinence still refuses the pool.
                answer = try await coordinator.send(.put, "/api/v1/rehab/stays/\(stay)", Self.stayBody(patient, flags: ["faecal_incontinence"]))
                #expect(answer.status == .ok)
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/sessions",
                    booking.merging([
                        "start": RehabAPITests.iso(start + 86_400), "end": RehabAPITests.iso(start + 86_400 + 1_800),
                    ]) { $1 })
                #expect(answer.status == .unprocessableContent)
                #expect(((answer.json as? [String: Any])?["detail"] as? String)?.contains("faecal_incontinence") == true)
            }
        }
    }
}
