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

/// Auditors see their organisations' audit trail only (review H2), and break-glass reaches
/// only the caller's region, answers alike for unknown and out-of-scope patients, is counted
/// per user and shows the patient's organisation's auditors every attempt (review M4).
@Suite struct AuditorScopeAndBreakGlassTests {
    static let north = DemoData.organisations[1].id
    static let south = DemoData.organisations[2].id
    static let northPatient = DemoData.patients[0]
    static let southPatient = DemoData.patients[1]
    /// A second region with one hospital, added to the demo data.
    static let otherRegion = UUID(uuidString: "0b0e0000-0000-4000-8000-000000000001") ?? UUID()
    static let otherHospital = UUID(uuidString: "0b0e0000-0000-4000-8000-000000000002") ?? UUID()

    static func loadTwoRegions(_ database: TestDatabase) async throws {
        try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
        try await database.withPool(.superuser) { pool in
            try await pool.query(
                """
                INSERT INTO organisations (id, parent_id, kind, code, name) VALUES
                    (\(otherRegion), NULL, 'region', 'OTHER', 'Other Region'),
                    (\(otherHospital), \(otherRegion), 'hospital', 'OTHER-H', 'Other Hospital')
                """)
        }
    }

    static func entries(_ answer: (status: HTTPResponse.Status, type: String?, json: Any?)) throws -> [AuditQueries.Entry] {
        let data = try JSONSerialization.data(withJSONObject: answer.json ?? [])
        return try JSONDecoder.iso.decode([AuditQueries.Entry].self, from: data)
    }

    @Test func H2_anAuditorSeesOnlyTheirOrganisationsStaffAndPatients() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let tokens = (
            north: try await Harness.token(.clinician, subject: "dr-north", organisations: [Self.north], keyFile: keyFile),
            south: try await Harness.token(.clinician, subject: "dr-south", organisations: [Self.south], keyFile: keyFile),
            auditorNorth: try await Harness.token(.auditor, subject: "aud-north", organisations: [Self.north], keyFile: keyFile),
            auditorNone: try await Harness.token(.auditor, subject: "aud-none", organisations: [], keyFile: keyFile),
            auditorOther: try await Harness.token(.auditor, subject: "aud-other", organisations: [Self.otherRegion], keyFile: keyFile)
        )
        try await TestDatabase.with { database in
            try await Self.loadTwoRegions(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let north = APICaller(client: client, token: tokens.north)
                let south = APICaller(client: client, token: tokens.south)
                #expect(try await north.send(.get, "/api/v1/patients/\(Self.northPatient)").status == .ok)
                #expect(try await south.send(.get, "/api/v1/patients/\(Self.southPatient)").status == .ok)
                let opened = try await south.send(
                    .post, "/api/v1/patients/\(Self.northPatient)/break-glass", ["reason": "Unconscious, transferred from North", "minutes": 5])
                #expect(opened.status == .created)
                #expect(try await south.send(.get, "/api/v1/patients/\(Self.northPatient)").status == .ok)

                let since = "since=2000-01-01T00:00:00Z&limit=5000"
                let auditor = APICaller(client: client, token: tokens.auditorNorth)
                let seen = try Self.entries(try await auditor.send(.get, "/api/v1/audit/events?\(since)"))
                // Every event is by North's staff or about North's patients, and South's reading of
                // its own patient is not among them; South's break-glass on North's patient is.
                #expect(!seen.isEmpty)
                #expect(seen.allSatisfy { $0.actorOrganisation == Self.north || $0.patientId == Self.northPatient || $0.patientId == DemoData.patients[2] })
                #expect(!seen.contains { $0.patientId == Self.southPatient })
                #expect(seen.contains { $0.actorSubject == "dr-south" && $0.breakGlassReason != nil })
                let sample = try Self.entries(try await auditor.send(.get, "/api/v1/audit/sample?size=1000"))
                #expect(!sample.contains { $0.patientId == Self.southPatient })

                // An auditor with no organisation sees nothing; one of another region nothing of these.
                let none = try await APICaller(client: client, token: tokens.auditorNone).send(.get, "/api/v1/audit/events?\(since)")
                #expect(none.status == .ok && (none.json as? [Any])?.isEmpty == true)
                let other = try await APICaller(client: client, token: tokens.auditorOther).send(
                    .get, "/api/v1/audit/events?\(since)&patient=\(Self.northPatient)")
                #expect(other.status == .ok && (other.json as? [Any])?.isEmpty == true)

                // Access logs: North's patient's for North's auditor (with South's access), South's patient's → 404 as unknown.
                let own = try await auditor.send(.get, "/api/v1/patients/\(Self.northPatient)/access-log")
                #expect(own.status == .ok)
                #expect((own.json as? [[String: Any]])?.contains { $0["organisation"] as? String == "South County Hospital" } == true)
                let foreign = try await auditor.send(.get, "/api/v1/patients/\(Self.southPatient)/access-log")
                let unknown = try await auditor.send(.get, "/api/v1/patients/\(UUID())/access-log")
                #expect(foreign.status == .notFound && unknown.status == .notFound)
                #expect((foreign.json as? [String: Any])?["detail"] as? String == (unknown.json as? [String: Any])?["detail"] as? String)
            }
        }
    }

    @Test func M4_breakGlassStaysInTheRegionTellsNothingAndIsCounted() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let outsider = try await Harness.token(.clinician, subject: "dr-other", organisations: [Self.otherHospital], keyFile: keyFile)
        let south = try await Harness.token(.clinician, subject: "dr-south", organisations: [Self.south], keyFile: keyFile)
        let auditorNorth = try await Harness.token(.auditor, subject: "aud-north", organisations: [Self.north], keyFile: keyFile)
        try await TestDatabase.with { database in
            try await Self.loadTwoRegions(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let body: [String: Any] = ["reason": "security test: existence oracle probe", "minutes": 1]
                let other = APICaller(client: client, token: outsider)
                let real = try await other.send(.post, "/api/v1/patients/\(Self.northPatient)/break-glass", body)
                let unknown = try await other.send(.post, "/api/v1/patients/\(UUID())/break-glass", body)
                #expect(real.status == .notFound && unknown.status == .notFound)
                func stable(_ json: Any?) -> [String: String] {
                    ((json as? [String: Any]) ?? [:]).filter { $0.key != "requestId" && $0.key != "instance" }.mapValues { "\($0)" }
                }
                #expect(stable(real.json) == stable(unknown.json))
                #expect(try await other.send(.get, "/api/v1/patients/\(Self.northPatient)").status == .notFound)

                // Within the region: granted, up to five times a day for one user.
                let colleague = APICaller(client: client, token: south)
                for _ in 0..<5 {
                    #expect(try await colleague.send(.post, "/api/v1/patients/\(Self.northPatient)/break-glass", body).status == .created)
                }
                let sixth = try await colleague.send(.post, "/api/v1/patients/\(Self.northPatient)/break-glass", body)
                #expect(sixth.status == .forbidden)
                #expect((sixth.json as? [String: Any])?["type"] as? String == "urn:strokepath:problem:break-glass-limit")
                let grants = try await database.withPool(.superuser) {
                    try await $0.query("SELECT count(*) FROM break_glass_grants").single().decode(Int.self)
                }
                #expect(grants == 5)

                // North's auditor sees every attempt on North's patient: five granted, the refused ones too.
                let seen = try Self.entries(
                    try await APICaller(client: client, token: auditorNorth).send(.get, "/api/v1/audit/events?breakGlass=true&since=2000-01-01T00:00:00Z"))
                #expect(seen.filter { $0.outcome == "success" }.count == 5)
                #expect(seen.contains { $0.actorSubject == "dr-other" && $0.outcome == "denied" })
                #expect(seen.contains { $0.actorSubject == "dr-south" && $0.outcome == "denied" })

                // A clinician acting for the other region first and for South second reaches North's
                // patient through South, and the audit row says South.
                let both = APICaller(
                    client: client,
                    token: try await Harness.token(.clinician, subject: "dr-both", organisations: [Self.otherHospital, Self.south], keyFile: keyFile))
                #expect(try await both.send(.post, "/api/v1/patients/\(Self.northPatient)/break-glass", body).status == .created)
                let viaSouth = try Self.entries(
                    try await APICaller(client: client, token: auditorNorth).send(.get, "/api/v1/audit/events?subject=dr-both&since=2000-01-01T00:00:00Z"))
                #expect(viaSouth.count == 1 && viaSouth.first?.actorOrganisation == Self.south, "\(viaSouth)")

                // The auditors' page lists them too, the other region's probe among them; clinicians may not open it.
                let page = try await client.execute(
                    uri: "/audit/break-glass", method: .get, headers: [.cookie: try await Harness.signIn(client, token: auditorNorth)]
                ) { ($0.status, $0.text) }
                #expect(page.0 == .ok)
                #expect(page.1.contains("dr-other") && page.1.contains("security test: existence oracle probe") && page.1.contains("refused"))
                #expect(page.1.components(separatedBy: "<tr").count - 2 == seen.count + 1, "one row per attempt (dr-both's too)")
                let clinicianPage = try await client.execute(
                    uri: "/audit/break-glass", method: .get, headers: [.cookie: try await Harness.signIn(client, token: south)]
                ) { $0.status }
                #expect(clinicianPage == .forbidden)
            }
        }
    }
}
