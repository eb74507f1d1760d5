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

/// No booked session with this id for the caller.
public struct UnknownSession: Error, Sendable {}

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

    /// Adds a patient to a booked group session; a clash (the patient busy, the group or the
    /// room full) throws `BookingConflict`.
    public func join(_ session: UUID, patient: UUID, as context: AccessContext) async throws {
        var request: RehabBookingRequest?
        do {
            try await pool.withAccess(context) { connection in
                guard let row = try await connection.query("""
                    SELECT organisation_id, modality, therapist_id, room_id, lower(during), upper(during), max_participants
                    FROM rehab_sessions WHERE id = \(session) AND cancelled_at IS NULL
                    """, prepared: true).first else { throw UnknownSession() }
                let booking = RehabBookingRequest(
                    organisation: try row.decode(UUID.self, at: 0), modality: try row.decode(String.self, at: 1),
                    therapist: try row.decode(UUID?.self, at: 2), room: try row.decode(UUID.self, at: 3), start: try row.decode(Date.self, at: 4),
                    end: try row.decode(Date.self, at: 5), maxParticipants: try row.decode(Int.self, at: 6), patients: [patient])
                request = booking
                try await connection.query("UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = \(booking.room)", prepared: true)
                try await connection.query("""
                    INSERT INTO rehab_participants (organisation_id, session_id, patient_id, during)
                    SELECT organisation_id, id, \(patient), during FROM rehab_sessions WHERE id = \(session)
                    """, prepared: true)
                try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "RehabSession", resourceID: session.uuidString),
                                          on: connection)
            }
        } catch let error as PostgresError {
            guard let kind = Self.conflictKind(error), let request else { throw error }
            throw try await conflict(kind, request, as: context)
        }
    }

    /// Cancels a booked session and with it every participant, saying who and why; false when
    /// there is no such booked session for the caller.
    public func cancel(_ session: UUID, reason: String, as context: AccessContext) async throws -> Bool {
        try await pool.withAccess(context) { connection in
            guard try await connection.query("""
                UPDATE rehab_sessions SET cancelled_at = now(), cancelled_by = \(context.subject), cancel_reason = \(reason)
                WHERE id = \(session) AND cancelled_at IS NULL RETURNING id
                """, prepared: true).first != nil else { return false }
            for row in try await connection.query("SELECT patient_id FROM rehab_participants WHERE session_id = \(session)", prepared: true) {
                try await AuditLog.record(context.auditEvent(.update, patient: try row.decode(UUID.self, at: 0), resource: "RehabSession",
                                                            resourceID: session.uuidString), on: connection)
            }
            return true
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
