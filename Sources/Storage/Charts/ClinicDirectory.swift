import Clinical
public import Foundation
public import Postgres

/// The rehab clinics' therapists, rooms and session times for exchange (the FHIR façade): no
/// patient data, read under row-level security (a clinic's own staff and admins see them).
public struct ClinicDirectory: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Therapists: one by id, or those of `organisation` (every one the caller may see when nil).
    public func therapists(id: UUID?, organisation: UUID?, limit: Int, offset: Int, as context: AccessContext) async throws -> [ChartTherapist] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT id, organisation_id, code, name, role, skills, active FROM rehab_therapists
                WHERE (\(id)::uuid IS NULL OR id = \(id)) AND (\(organisation)::uuid IS NULL OR organisation_id = \(organisation))
                ORDER BY organisation_id, code, id LIMIT \(limit) OFFSET \(offset)
                """, prepared: true
            ).map { row in
                let (id, organisation, code, name, role, skills, active) = try row.decode((UUID, UUID, String, String, String, [String], Bool).self)
                return ChartTherapist(id: id, organisationId: organisation, code: code, name: name, role: role, skills: skills, active: active)
            }
        }
    }

    /// Rooms, pools and baths: one by id, or those of `organisation`.
    public func rooms(id: UUID?, organisation: UUID?, limit: Int, offset: Int, as context: AccessContext) async throws -> [ChartRoom] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT id, organisation_id, code, name, room_type, capacity FROM rehab_rooms
                WHERE (\(id)::uuid IS NULL OR id = \(id)) AND (\(organisation)::uuid IS NULL OR organisation_id = \(organisation))
                ORDER BY organisation_id, code, id LIMIT \(limit) OFFSET \(offset)
                """, prepared: true
            ).map { row in
                let (id, organisation, code, name, type, capacity) = try row.decode((UUID, UUID, String, String, String, Int).self)
                return ChartRoom(id: id, organisationId: organisation, code: code, name: name, type: type, capacity: capacity)
            }
        }
    }

    /// Sessions as slots (cancelled ones left out): one by id, or a room's that overlap `[from, to)`, by start.
    public func slots(
        id: UUID?, room: UUID?, from: Date?, to: Date?, limit: Int, offset: Int, as context: AccessContext
    ) async throws -> [ChartSlot] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT s.id, s.organisation_id, s.modality, s.therapist_id, s.room_id, lower(s.during), upper(s.during), s.max_participants,
                       (SELECT count(*) FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL), s.cancelled
                FROM rehab_sessions s
                WHERE NOT s.cancelled AND (\(id)::uuid IS NULL OR s.id = \(id)) AND (\(room)::uuid IS NULL OR s.room_id = \(room))
                  AND (\(from)::timestamptz IS NULL OR upper(s.during) > \(from)) AND (\(to)::timestamptz IS NULL OR lower(s.during) < \(to))
                ORDER BY lower(s.during), s.id LIMIT \(limit) OFFSET \(offset)
                """, prepared: true
            ).map { row in
                let (id, organisation, modality, therapist, room, start, end, places, taken, cancelled) =
                    try row.decode((UUID, UUID, String, UUID?, UUID, Date, Date, Int, Int, Bool).self)
                return ChartSlot(
                    id: id, organisationId: organisation, modality: modality, therapistId: therapist, roomId: room, start: start, end: end,
                    maxParticipants: places, taken: taken, cancelled: cancelled)
            }
        }
    }
}
