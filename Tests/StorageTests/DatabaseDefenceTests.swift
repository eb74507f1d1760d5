import Foundation
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

/// What the database refuses even to the application role (review M5): SQL a compromised or
/// mistaken service could send, tried directly as `strokepath_app`.
@Suite struct DatabaseDefenceTests {
    static let north = DemoData.organisations[1].id
    static let rehab = DemoData.organisations[3].id
    static let southPatient = DemoData.patients[1]

    static func refused(_ pool: PostgresPool, as organisations: [UUID], _ sql: PostgresQuery) async -> String? {
        do {
            try await pool.withOrganisations(organisations) { connection in _ = try await connection.query(sql) }
            return nil
        } catch let error as PostgresError {
            return error.sqlState
        } catch {
            return "\(error)"
        }
    }

    @Test func M5_aGrantorCannotShareAPatientItDoesNotHold() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            let state = await Self.refused(
                pool, as: [Self.north],
                "INSERT INTO care_relationships (organisation_id, patient_id, granted_by, kind) VALUES (\(Self.rehab), \(Self.southPatient), \(Self.north), 'transfer')"
            )
            #expect(state == SQLState.insufficientPrivilege)
            let visible = try await pool.withOrganisations([Self.rehab]) { connection in
                try await connection.query("SELECT count(*) FROM patients WHERE id = \(Self.southPatient)").single().decode(Int.self)
            }
            #expect(visible == 0)
        }
    }

    @Test func M5_theApplicationCanNeitherBackDateNorSealAuditRowsNorReadThem() async throws {
        try await TestDatabase.withPool { pool in
            _ = try await DemoData.load(into: pool)
            let forged: [PostgresQuery] = [
                """
                INSERT INTO audit_events (recorded_at, actor_subject, actor_role, action, resource_type, purpose, outcome)
                VALUES ('2020-01-01', 'forged', 'admin', 'read', 'Patient', 'treatment', 'success')
                """,
                """
                INSERT INTO audit_events (actor_subject, actor_role, action, resource_type, purpose, outcome, chain_position, previous_hash, hash)
                VALUES ('forged', 'admin', 'read', 'Patient', 'treatment', 'success', 999999999, '\\x00', '\\x00')
                """,
                "SELECT count(*) FROM audit_events",
                "INSERT INTO break_glass_grants (subject, acting_organisation_id, patient_id, reason, valid_until) VALUES ('x', \(Self.north), \(Self.southPatient), 'a reason long enough', now() + interval '1 hour')",
            ]
            for sql in forged {
                #expect(await Self.refused(pool, as: [Self.north], sql) == SQLState.insufficientPrivilege, "\(sql.sql)")
            }
            // As the auditing role with no organisation: no rows, and no hashes at all.
            let (rows, hashes) = try await pool.withOrganisations([]) { connection in
                try await connection.query(
                    """
                    INSERT INTO audit_events (actor_subject, actor_role, action, resource_type, purpose, outcome)
                    VALUES ('someone', 'clinician', 'read', 'Patient', 'treatment', 'success')
                    """)
                try await connection.query("SET LOCAL ROLE strokepath_auditor")
                let rows = try await connection.query("SELECT count(*) FROM audit_events").single().decode(Int.self)
                let hashes = try await connection.query(
                    "SELECT has_column_privilege('strokepath_auditor', 'audit_events', 'hash', 'SELECT')"
                ).single().decode(Bool.self)
                return (rows, hashes)
            }
            #expect(rows == 0)
            #expect(!hashes)
        }
    }

    /// `ops/db` sets these on the application role (docs/database.md); the tests' cluster is made by it.
    @Test func M5_theApplicationRoleHasTimeLimits() async throws {
        try await TestDatabase.withPool { pool in
            for (setting, expected) in [("statement_timeout", "30s"), ("lock_timeout", "10s"), ("idle_in_transaction_session_timeout", "1min")] {
                let value = try await pool.query("SELECT current_setting(\(setting))").single().decode(String.self)
                #expect(value == expected, "\(setting)")
            }
        }
    }
}
