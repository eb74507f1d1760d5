public import Foundation
public import Postgres

/// Per-organisation settings: the guideline profile acute evaluations use by default.
public enum OrganisationSettings {
    /// The organisation's default acute profile, or nil if there is no such organisation.
    public static func acuteProfile(of organisation: UUID, pool: PostgresPool) async throws -> String? {
        try await pool.query("SELECT acute_profile FROM organisations WHERE id = \(organisation)", prepared: true)
            .first?.decode(String.self, at: 0)
    }

    /// Sets the default acute profile (the caller has checked the name against the protocol);
    /// the change is audited. Returns false when there is no such organisation.
    public static func setAcuteProfile(_ profile: String, of organisation: UUID, as context: AccessContext, pool: PostgresPool) async throws -> Bool {
        try await pool.withAccess(context) { connection in
            let updated = try await connection.query("""
                UPDATE organisations SET acute_profile = \(profile) WHERE id = \(organisation)
                """, prepared: true).affectedRows == 1
            if updated {
                try await AuditLog.record(context.auditEvent(.update, patient: nil, resource: "Organisation", resourceID: organisation.uuidString,
                                                             purpose: "configuration"), on: connection)
            }
            return updated
        }
    }
}
