import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// Row-level security: each organisation sees its own patients and those it has a care
/// relationship with; nothing without a context.
@Suite struct IsolationTests {
    static let north = DemoData.organisations[1].id
    static let south = DemoData.organisations[2].id
    static let rehab = DemoData.organisations[3].id
    static let patientTables = ["patients", "stroke_episodes", "care_relationships"]

    static func visiblePseudonyms(_ pool: PostgresPool, as organisations: [UUID]) async throws -> [String] {
        try await pool.withOrganisations(organisations) { connection in
            try await connection.query("SELECT pseudonym FROM patients ORDER BY pseudonym").decode(String.self)
        }
    }

    @Test func noOrganisationSetMeansNoRows() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            for table in Self.patientTables {
                let count = try await pool.query("SELECT count(*) FROM \(identifier: table)").single().decode(Int.self)
                #expect(count == 0, "\(table) shows rows without an organisation")
            }
            let empty = try await pool.withOrganisations([]) { connection in
                try await connection.query("SELECT count(*) FROM patients").single().decode(Int.self)
            }
            #expect(empty == 0)
        }
    }

    @Test func eachHospitalSeesOnlyItsOwnPatients() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.north]) == ["DEMO-P1", "DEMO-P3"])
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.south]) == ["DEMO-P2"])
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.rehab]) == [])
            let (episodes, updated) = try await pool.withOrganisations([Self.south]) { connection in
                let episodes = try await connection.query("SELECT count(*) FROM stroke_episodes").single().decode(Int.self)
                // North's episodes cannot be changed, nor even found, from South.
                let updated = try await connection.query("UPDATE stroke_episodes SET nihss_at_arrival = 0 WHERE organisation_id = \(Self.north)").affectedRows
                return (episodes, updated)
            }
            #expect(episodes == 1)
            #expect(updated == 0)
        }
    }

    @Test func writingForAnotherOrganisationIsRefused() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withOrganisations([Self.south]) { connection in
                    try await connection.query("INSERT INTO patients (organisation_id, pseudonym) VALUES (\(Self.north), 'X-1')")
                }
            }
            #expect(error?.sqlState == SQLState.insufficientPrivilege)
        }
    }

    @Test func transferGivesTheClinicItsPatientAndNothingElse() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            try await pool.withOrganisations([Self.north]) { connection in
                let patient = try await connection.query("SELECT id FROM patients WHERE pseudonym = 'DEMO-P1'").single().decode(UUID.self)
                try await connection.query(
                    """
                    INSERT INTO care_relationships (organisation_id, patient_id, granted_by, kind)
                    VALUES (\(Self.rehab), \(patient), \(Self.north), 'transfer')
                    """)
            }
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.rehab]) == ["DEMO-P1"])
            let episodes = try await pool.withOrganisations([Self.rehab]) { connection in
                try await connection.query("SELECT count(*) FROM stroke_episodes").single().decode(Int.self)
            }
            #expect(episodes == 1)
            // The clinic cannot grant itself access to South's patient.
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withOrganisations([Self.rehab]) { connection in
                    try await connection.query(
                        """
                        INSERT INTO care_relationships (organisation_id, patient_id, granted_by, kind)
                        SELECT \(Self.rehab), id, \(Self.south), 'transfer' FROM patients
                        """)
                }
            }
            #expect(error?.sqlState == SQLState.insufficientPrivilege)
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.rehab]) == ["DEMO-P1"])
        }
    }

    @Test func theContextEndsWithItsTransaction() async throws {
        try await TestDatabase.withPool(configuration: .init(maximumConnections: 1)) { pool in
            _ = try await DemoData.load(into: pool)
            #expect(try await Self.visiblePseudonyms(pool, as: [Self.north]).count == 2)
            let afterwards = try await pool.query("SELECT count(*) FROM patients").single().decode(Int.self)
            #expect(afterwards == 0)
        }
    }

    @Test func applicationRoleNeitherOwnsNorBypassesSecurity() async throws {
        try await TestDatabase.withPool { pool in
            let (bypass, superuser) = try await pool.query("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user")
                .single().decode((Bool, Bool).self)
            #expect(!bypass && !superuser)
            let unforced = try await pool.query(
                """
                SELECT count(*) FROM pg_class WHERE relname = ANY (\(Self.patientTables))
                AND NOT (relrowsecurity AND relforcerowsecurity)
                """
            ).single().decode(Int.self)
            #expect(unforced == 0)
        }
    }
}
