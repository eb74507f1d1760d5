public import Foundation
public import Postgres

/// Per-organisation settings: the guideline profile acute evaluations use by default.
public enum OrganisationSettings {
    /// An organisation's acute profile setting.
    public enum AcuteProfile: Sendable, Equatable {
        /// No such organisation.
        case noOrganisation
        /// The organisation chose none: the protocol's default applies.
        case protocolDefault
        case chosen(String)
    }

    /// The names of organisations (an unknown id has none), for the people who act for them.
    public static func names(of organisations: [UUID], pool: PostgresPool) async throws -> [UUID: String] {
        guard !organisations.isEmpty else { return [:] }
        var names: [UUID: String] = [:]
        for row in try await pool.query("SELECT id, name FROM organisations WHERE id = ANY (\(organisations))", prepared: true) {
            let (id, name) = try row.decode((UUID, String).self)
            names[id] = name
        }
        return names
    }

    /// The organisation's own choice of acute profile, if it made one.
    public static func acuteProfile(of organisation: UUID, pool: PostgresPool) async throws -> AcuteProfile {
        guard let row = try await pool.query("SELECT acute_profile FROM organisations WHERE id = \(organisation)", prepared: true).first else {
            return .noOrganisation
        }
        return try row.decode(String?.self, at: 0).map(AcuteProfile.chosen) ?? .protocolDefault
    }

    /// Sets the default acute profile (the caller has checked the name against the protocol;
    /// nil: follow the protocol's default); the change is audited. Returns false when there is
    /// no such organisation.
    public static func setAcuteProfile(_ profile: String?, of organisation: UUID, as context: AccessContext, pool: PostgresPool) async throws -> Bool {
        try await pool.withAccess(context) { connection in
            let updated =
                try await connection.query(
                    """
                    UPDATE organisations SET acute_profile = \(profile) WHERE id = \(organisation)
                    """, prepared: true
                ).affectedRows == 1
            if updated {
                try await AuditLog.record(
                    context.auditEvent(
                        .update, patient: nil, resource: "Organisation", resourceID: organisation.uuidString,
                        purpose: "configuration"), on: connection)
            }
            return updated
        }
    }
}
