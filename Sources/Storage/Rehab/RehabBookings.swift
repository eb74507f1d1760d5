public import Foundation
public import Postgres

/// A session to book: who gives it, where, when, for whom.
public struct RehabBookingRequest: Sendable {
    public var organisation: UUID
    public var modality: String
    public var therapist: UUID?
    public var room: UUID
    public var start: Date
    public var end: Date
    /// 1 for an individual session, the modality's group size for a group.
    public var maxParticipants: Int
    public var patients: [UUID]

    public init(organisation: UUID, modality: String, therapist: UUID?, room: UUID, start: Date, end: Date, maxParticipants: Int, patients: [UUID]) {
        self.organisation = organisation
        self.modality = modality
        self.therapist = therapist
        self.room = room
        self.start = start
        self.end = end
        self.maxParticipants = maxParticipants
        self.patients = patients
    }
}

/// A booking the database refused because it clashes: what clashed, and the caller's own
/// booked session it clashes with when the caller may see it (never another patient's data).
public struct BookingConflict: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case therapistBusy = "therapist_busy"
        case patientBusy = "patient_busy"
        case roomBusy = "room_busy"
        case roomFull = "room_full"
        case groupFull = "group_full"
    }

    public var kind: Kind
    public var session: UUID?
    public var start: Date?
    public var end: Date?
}

/// The room of a booking does not exist or belongs to another organisation.
public struct UnknownRoom: Error, Sendable {}

/// Rehabilitation sessions in PostgreSQL, which itself refuses double booking (exclusion
/// constraints and the room-capacity trigger of 0005_rehab_clinic); every booking is audited
/// per patient in its transaction.
public struct RehabBookings: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Books a session with its patients, all or nothing; a clash throws `BookingConflict`.
    /// The room row is taken first, so bookings of one room queue instead of deadlocking.
    public func book(_ request: RehabBookingRequest, as context: AccessContext) async throws -> UUID {
        do {
            return try await pool.withAccess(context) { connection in
                guard let single = try await connection.query("""
                    UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = \(request.room) RETURNING single
                    """, prepared: true).first?.decode(Bool.self, at: 0) else { throw UnknownRoom() }
                let id = try await connection.query("""
                    INSERT INTO rehab_sessions (organisation_id, modality, therapist_id, room_id, room_single, during, max_participants, booked_by)
                    VALUES (\(request.organisation), \(request.modality), \(request.therapist), \(request.room), \(single),
                            tstzrange(\(request.start), \(request.end)), \(request.maxParticipants), \(context.subject))
                    RETURNING id
                    """, prepared: true).single().decode(UUID.self, at: 0)
                for patient in request.patients {
                    try await connection.query("""
                        INSERT INTO rehab_participants (organisation_id, session_id, patient_id, during)
                        VALUES (\(request.organisation), \(id), \(patient), tstzrange(\(request.start), \(request.end)))
                        """, prepared: true)
                    try await AuditLog.record(context.auditEvent(.create, patient: patient, resource: "RehabSession", resourceID: id.uuidString),
                                              on: connection)
                }
                return id
            }
        } catch let error as PostgresError {
            guard let kind = Self.conflictKind(error) else { throw error }
            throw try await conflict(kind, request, as: context)
        }
    }

    /// The clash a refused statement reports, if it is one.
    static func conflictKind(_ error: PostgresError) -> BookingConflict.Kind? {
        switch (error.sqlState, error.constraint) {
        case ("23P01", "rehab_sessions_therapist_free"): .therapistBusy
        case ("23P01", "rehab_participants_patient_free"): .patientBusy
        case ("23P01", "rehab_sessions_room_free"): .roomBusy
        case ("23514", "rehab_room_capacity"): .roomFull
        case ("23514", "rehab_group_size"): .groupFull
        default: nil
        }
    }

    /// Names the caller's booked session the request clashes with.
    private func conflict(_ kind: BookingConflict.Kind, _ request: RehabBookingRequest, as context: AccessContext) async throws -> BookingConflict {
        let row = try await pool.withAccess(context, readOnly: true) { connection -> PostgresRow? in
            switch kind {
            case .therapistBusy:
                return try await connection.query("""
                    SELECT id, lower(during), upper(during) FROM rehab_sessions
                    WHERE therapist_id = \(request.therapist) AND cancelled_at IS NULL AND during && tstzrange(\(request.start), \(request.end))
                    ORDER BY lower(during) LIMIT 1
                    """, prepared: true).first
            case .patientBusy:
                for patient in request.patients {
                    if let row = try await connection.query("""
                        SELECT s.id, lower(s.during), upper(s.during) FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
                        WHERE p.patient_id = \(patient) AND p.cancelled_at IS NULL AND s.cancelled_at IS NULL
                          AND s.during && tstzrange(\(request.start), \(request.end))
                        ORDER BY lower(s.during) LIMIT 1
                        """, prepared: true).first { return row }
                }
                return nil
            case .roomBusy, .roomFull, .groupFull:
                return try await connection.query("""
                    SELECT id, lower(during), upper(during) FROM rehab_sessions
                    WHERE room_id = \(request.room) AND cancelled_at IS NULL AND during && tstzrange(\(request.start), \(request.end))
                    ORDER BY lower(during) LIMIT 1
                    """, prepared: true).first
            }
        }
        return BookingConflict(kind: kind, session: try row?.decode(UUID.self, at: 0), start: try row?.decode(Date.self, at: 1),
                               end: try row?.decode(Date.self, at: 2))
    }
}
