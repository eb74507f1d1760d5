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

/// The patient API over real HTTP on a real database: isolation between organisations,
/// one audit row per access, break-glass, the auditor's view.
@Suite struct PatientAPITests {
    static let north = DemoData.organisations[1].id
    static let south = DemoData.organisations[2].id

    struct Caller {
        let token: String
        var headers: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
    }

    static func caller(_ role: Role, _ organisation: UUID, subject: String, keyFile: URL) async throws -> Caller {
        Caller(
            token: try await DevelopmentKey.issueToken(
                for: Identity(subject: subject, name: subject, role: role, organisations: [organisation]), lifetime: 600, keyFile: keyFile))
    }

    static func auditRows(_ database: TestDatabase) async throws -> Int {
        try await database.withPool(.owner) { owner in
            try await owner.query("SELECT count(*) FROM audit_events").single().decode(Int.self)
        }
    }

    @Test func organisationsAreIsolatedAndEveryAccessIsAuditedOnce() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let northDoctor = try await Self.caller(.clinician, Self.north, subject: "dr-north", keyFile: keyFile)
        let southDoctor = try await Self.caller(.clinician, Self.south, subject: "dr-south", keyFile: keyFile)
        let auditor = try await Self.caller(.auditor, Self.north, subject: "auditor-1", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                // North registers a patient: one audit row.
                var before = try await Self.auditRows(database)
                let created = try await client.execute(
                    uri: "/api/v1/patients", method: .post, headers: northDoctor.headers,
                    body: ByteBuffer(string: #"{"organisationId":"\#(Self.north)","pseudonym":"N-77","birthYear":1950,"sex":"female"}"#)
                ) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[.cacheControl] == "no-store")
                    return try JSONDecoder.iso.decode(Patient.self, from: Data(response.text.utf8))
                }
                #expect(try await Self.auditRows(database) == before + 1)

                // North reads it: one audit row.
                before = try await Self.auditRows(database)
                try await client.execute(uri: "/api/v1/patients/\(created.id)", method: .get, headers: northDoctor.headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("N-77"))
                }
                #expect(try await Self.auditRows(database) == before + 1)

                // South cannot read, list, register for North, or see the access log; its
                // attempt is audited as denied, and the answers do not reveal the patient.
                before = try await Self.auditRows(database)
                try await client.execute(uri: "/api/v1/patients/\(created.id)", method: .get, headers: southDoctor.headers) { response in
                    #expect(response.status == .notFound)
                    #expect(!response.text.contains("N-77"))
                }
                #expect(try await Self.auditRows(database) == before + 1)
                try await client.execute(uri: "/api/v1/patients/\(UUID())", method: .get, headers: southDoctor.headers) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/api/v1/patients?limit=100", method: .get, headers: southDoctor.headers) { response in
                    #expect(response.status == .ok)
                    #expect(!response.text.contains("N-77"))
                    #expect(!response.text.contains(Self.north.uuidString))
                }
                try await client.execute(
                    uri: "/api/v1/patients", method: .post, headers: southDoctor.headers,
                    body: ByteBuffer(string: #"{"organisationId":"\#(Self.north)","pseudonym":"S-1"}"#)
                ) { response in #expect(response.status == .forbidden) }
                try await client.execute(uri: "/api/v1/patients/\(created.id)/access-log", method: .get, headers: southDoctor.headers) { response in
                    #expect(response.status == .notFound)
                }

                // Break-glass: South states a reason, then may read, and that read is marked.
                try await client.execute(
                    uri: "/api/v1/patients/\(created.id)/break-glass", method: .post, headers: southDoctor.headers,
                    body: ByteBuffer(string: #"{"reason":"Unconscious on arrival, transferred from North","minutes":30}"#)
                ) { response in #expect(response.status == .created) }
                try await client.execute(uri: "/api/v1/patients/\(created.id)", method: .get, headers: southDoctor.headers) { response in
                    #expect(response.status == .ok)
                }

                // The patient's access log shows both hospitals; the auditor sees break-glass.
                try await client.execute(uri: "/api/v1/patients/\(created.id)/access-log", method: .get, headers: northDoctor.headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("South County Hospital"))
                    #expect(response.text.contains(#""breakGlass":true"#))
                }
                try await client.execute(uri: "/api/v1/audit/events?breakGlass=true", method: .get, headers: auditor.headers) { response in
                    #expect(response.status == .ok)
                    let entries = try JSONDecoder.iso.decode([AuditQueries.Entry].self, from: Data(response.text.utf8))
                    #expect(entries.count == 2)
                    #expect(entries.allSatisfy { $0.actorSubject == "dr-south" && $0.patientId == created.id })
                }
                try await client.execute(uri: "/api/v1/audit/events?breakGlass=true&format=fhir", method: .get, headers: auditor.headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/fhir+json")
                    let bundle = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
                    let resources = (bundle?["entry"] as? [[String: Any]])?.compactMap { $0["resource"] as? [String: Any] } ?? []
                    #expect(bundle?["resourceType"] as? String == "Bundle")
                    #expect(resources.count == 2)
                    #expect(resources.allSatisfy { $0["resourceType"] as? String == "AuditEvent" })
                    #expect(response.text.contains("Patient/\(created.id.uuidString.lowercased())"))
                    #expect(response.text.contains("ETREAT"))
                }
                try await client.execute(uri: "/api/v1/audit/sample?size=3", method: .get, headers: auditor.headers) { response in
                    #expect(response.status == .ok)
                    let entries = try JSONDecoder.iso.decode([AuditQueries.Entry].self, from: Data(response.text.utf8))
                    #expect(entries.count == 3)
                }
            }
        }
    }

    /// Malformed requests are 400, values out of range 422 (L7: the contract says which).
    @Test func badInputIsA4xxThatNamesTheProblem() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let doctor = try await Self.caller(.clinician, Self.north, subject: "dr-north", keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let cases: [(String, HTTPRequest.Method, String?, String, HTTPResponse.Status)] = [
                    ("/api/v1/patients/not-a-uuid", .get, nil, "UUID", .badRequest),
                    ("/api/v1/patients?limit=1000", .get, nil, "limit", .badRequest),
                    ("/api/v1/patients", .post, "{", "JSON", .badRequest),
                    ("/api/v1/patients", .post, #"{"organisationId":"\#(Self.north)"}"#, "pseudonym", .badRequest),
                    (
                        "/api/v1/patients", .post, #"{"organisationId":"\#(Self.north)","pseudonym":"\#(String(repeating: "x", count: 65))"}"#, "pseudonym",
                        .unprocessableContent
                    ),
                    ("/api/v1/patients", .post, #"{"organisationId":"\#(Self.north)","pseudonym":"A","birthYear":1850}"#, "birthYear", .unprocessableContent),
                    ("/api/v1/patients", .post, #"{"organisationId":"\#(Self.north)","pseudonym":"A","sex":"x"}"#, "sex", .unprocessableContent),
                    ("/api/v1/patients/\(UUID())/break-glass", .post, #"{"reason":"short"}"#, "reason", .unprocessableContent),
                ]
                for (uri, method, body, mentions, status) in cases {
                    try await client.execute(uri: uri, method: method, headers: doctor.headers, body: body.map { ByteBuffer(string: $0) }) { response in
                        #expect(response.status == status, "\(uri) \(body ?? "")")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        #expect(response.text.contains(mentions), "\(uri): \(response.text)")
                    }
                }
            }
        }
    }
}

extension JSONDecoder {
    /// Decodes the API's ISO 8601 dates.
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
