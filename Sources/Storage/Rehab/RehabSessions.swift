import Clinical
public import Foundation
public import Postgres
public import Rehabilitation

/// A session to book: who gives it, where, when, for whom.
public struct RehabBookingRequest: Sendable {
    public var organisation: UUID
    public var modality: String
    public var therapist: UUID?
    public var room: UUID
    public var start: Date
    public var end: Date
    /// At most this many patients; nil: 1 for an individual modality, the catalogue's group
    /// size for a group.
    public var maxParticipants: Int?
    public var patients: [UUID]

    public init(
        organisation: UUID, modality: String, therapist: UUID?, room: UUID, start: Date, end: Date, maxParticipants: Int? = nil,
        patients: [UUID]
    ) {
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

/// Rehabilitation sessions in PostgreSQL, which itself refuses double booking (exclusion
/// constraints and the room-capacity trigger of 0005_rehab_clinic). Every booking is checked
/// against the modality catalogue (contraindications, earliest day after stroke, room type,
/// therapist skill, group size) and audited per patient in its transaction.
public struct RehabSessions: Sendable {
    public let pool: PostgresPool
    public let catalogue: RehabCatalogue

    public init(pool: PostgresPool, catalogue: RehabCatalogue) {
        self.pool = pool
        self.catalogue = catalogue
    }

    /// Books a session with its patients, all or nothing, and returns it as stored; a clash
    /// throws a booking conflict (`Refusal`), a rule of the catalogue `Refusal.bookingRefused`.
    public func book(_ request: RehabBookingRequest, as context: AccessContext) async throws -> TimetableEntry {
        try await mappingConflicts(request, excluding: nil, as: context) {
            try await pool.withAccess(context) { connection in
                let id = try await insert(request, series: nil, plan: nil, as: context, on: connection)
                guard
                    let entry = try await Self.timetable(
                        TimetableQuery(clinic: nil, from: request.start, to: request.end, session: id),
                        on: connection
                    ).first
                else { throw Refusal.unknownSession }
                return entry
            }
        }
    }

    /// Adds a patient to a booked group session; a clash (the patient busy, the group or the
    /// room full) throws a booking conflict (`Refusal`).
    public func join(_ session: UUID, patient: UUID, as context: AccessContext) async throws {
        var request: RehabBookingRequest?
        try await mappingConflicts(nil, excluding: nil, as: context, lateRequest: { request }) {
            try await pool.withAccess(context) { connection in
                try await addParticipant(patient, to: session, as: context, on: connection) { request = $0 }
            }
        }
    }

    /// Inside a transaction: checks and adds a patient to a booked session (room, then the
    /// patient's lock, then the catalogue's rules); `trying` learns the request for naming a clash.
    func addParticipant(
        _ patient: UUID, to session: UUID, as context: AccessContext, on connection: PostgresConnection,
        trying: (RehabBookingRequest) -> Void
    ) async throws {
        var joining = try await Self.session(session, on: connection).request
        joining.patients = [patient]
        joining.therapist = nil
        trying(joining)
        try await connection.query("UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = \(joining.room)", prepared: true)
        try await Self.lockPeople(joining, on: connection)
        let day = try await checkPatients(joining, on: connection)
        // A patient whose own place was cancelled takes it back; one already in the group clashes.
        let added = try await connection.query(
            """
            INSERT INTO rehab_participants (organisation_id, session_id, patient_id, during, prescription_id)
            SELECT s.organisation_id, s.id, \(patient), s.during, \(try await Self.prescription(patient, joining, day: day, on: connection))
            FROM rehab_sessions s WHERE s.id = \(session)
            ON CONFLICT (session_id, patient_id) DO UPDATE SET cancelled_at = NULL, cancelled_by = NULL, cancel_reason = NULL
                WHERE rehab_participants.cancelled_at IS NOT NULL
            """, prepared: true
        ).affectedRows
        guard added == 1 else { throw Refusal.bookingConflict(.patientBusy, session: session, start: joining.start, end: joining.end) }
        try await AuditLog.record(
            context.auditEvent(.update, patient: patient, resource: "RehabSession", resourceID: session.uuidString),
            on: connection)
    }

    /// Moves a booked session to another time, therapist or room (nil: keep). An occurrence
    /// of a series is marked as edited on its own. A clash throws a booking conflict (`Refusal`).
    public func move(_ session: UUID, start: Date?, end: Date?, therapist: UUID??, room: UUID?, as context: AccessContext) async throws {
        var request: RehabBookingRequest?
        try await mappingConflicts(nil, excluding: session, as: context, lateRequest: { request }) {
            try await pool.withAccess(context) { connection in
                let booked = try await Self.session(session, on: connection)
                var moved = booked.request
                moved.start = start ?? moved.start
                moved.end = end ?? moved.end
                if let therapist { moved.therapist = therapist }
                moved.room = room ?? moved.room
                guard moved.end > moved.start else { throw Refusal.invalid("end", "must be after the start") }
                request = moved
                let single = try await checkResources(moved, participants: moved.patients.count, on: connection)
                try await Self.lockPeople(moved, on: connection)
                try await checkPatients(moved, on: connection)
                try await connection.query(
                    """
                    UPDATE rehab_sessions SET during = tstzrange(\(moved.start), \(moved.end)), therapist_id = \(moved.therapist),
                        room_id = \(moved.room), room_single = \(single), series_edited = series_id IS NOT NULL
                    WHERE id = \(session)
                    """, prepared: true)
                for patient in moved.patients {
                    try await AuditLog.record(
                        context.auditEvent(.update, patient: patient, resource: "RehabSession", resourceID: session.uuidString),
                        on: connection)
                }
            }
        }
    }

    // MARK: Inside a transaction

    /// Checks and inserts one session with its participants (the room row taken first, so
    /// bookings of one room queue instead of deadlocking).
    func insert(_ request: RehabBookingRequest, series: UUID?, plan: UUID?, as context: AccessContext, on connection: PostgresConnection) async throws -> UUID {
        guard request.end > request.start else { throw Refusal.invalid("end", "must be after the start") }
        guard !request.patients.isEmpty, Set(request.patients).count == request.patients.count else {
            throw Refusal.invalid("patients", "must name each patient once, at least one")
        }
        let single = try await checkResources(request, participants: request.patients.count, on: connection)
        try await Self.lockPeople(request, on: connection)
        let day = try await checkPatients(request, on: connection)
        let group = try catalogue.modality(request.modality).maxGroup
        let limit = request.maxParticipants ?? group
        guard limit >= request.patients.count, limit <= group else {
            throw Refusal.invalid(
                "maxParticipants", "must be from the patients booked (\(request.patients.count)) to \(request.modality)'s group size (\(group))")
        }
        let id = try await connection.query(
            """
            INSERT INTO rehab_sessions (organisation_id, modality, therapist_id, room_id, room_single, during, max_participants, booked_by,
                                        series_id, plan_id)
            VALUES (\(request.organisation), \(request.modality), \(request.therapist), \(request.room), \(single),
                    tstzrange(\(request.start), \(request.end)), \(limit), \(context.subject), \(series), \(plan))
            RETURNING id
            """, prepared: true
        ).single().decode(UUID.self)
        for patient in request.patients {
            try await connection.query(
                """
                INSERT INTO rehab_participants (organisation_id, session_id, patient_id, during, prescription_id)
                VALUES (\(request.organisation), \(id), \(patient), tstzrange(\(request.start), \(request.end)),
                        \(try await Self.prescription(patient, request, day: day, on: connection)))
                """, prepared: true)
            try await AuditLog.record(context.auditEvent(.create, patient: patient, resource: "RehabSession", resourceID: id.uuidString), on: connection)
        }
        return id
    }

    /// Takes the room row and checks room type, therapist and group size; returns whether
    /// the room is single-occupancy.
    func checkResources(_ request: RehabBookingRequest, participants: Int, on connection: PostgresConnection) async throws -> Bool {
        guard
            let room = try await connection.query(
                """
                UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = \(request.room) AND organisation_id = \(request.organisation)
                RETURNING single, room_type
                """, prepared: true
            ).first
        else { throw Refusal.unknownRoom }
        var skills: [String]?
        if let therapist = request.therapist {
            guard
                let row = try await connection.query(
                    """
                    SELECT skills FROM rehab_therapists WHERE id = \(therapist) AND organisation_id = \(request.organisation) AND active
                    """, prepared: true
                ).first
            else { throw Refusal.unknownTherapist }
            skills = try row.decode([String].self)
        }
        let (isGroupRoom, roomType) = try room.decode((Bool, String).self)
        try catalogue.checkResources(modality: request.modality, roomType: roomType, therapistSkills: skills, participants: participants)
        return isGroupRoom
    }

    /// Takes the booking's therapist and patients, in one global order, after its room: two
    /// bookings of one person then queue instead of each waiting on the other's row in the
    /// exclusion constraints (a deadlock PostgreSQL would break only after a second).
    static func lockPeople(_ request: RehabBookingRequest, on connection: PostgresConnection) async throws {
        let keys = ([request.therapist] + request.patients).compactMap { $0?.uuidString }
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(k, 6)) FROM (SELECT k FROM unnest(\(keys)::text[]) AS k ORDER BY k) ordered
            """, prepared: true)
    }

    /// Checks each patient's stay on the session's day against the catalogue: admitted,
    /// not contraindicated, not before the modality's earliest day after stroke. Returns the
    /// session's day in the clinic's time.
    @discardableResult
    func checkPatients(_ request: RehabBookingRequest, on connection: PostgresConnection) async throws -> CalendarDay {
        let settings = try await ClinicSettings.load(request.organisation, on: connection)
        let day = settings.local(request.start).day
        for patient in request.patients {
            guard
                let row = try await connection.query(
                    """
                    SELECT p.pseudonym, s.flags, s.stroke_type, (\(day.description)::date - s.stroke_date)
                    FROM rehab_stays s JOIN patients p ON p.id = s.patient_id
                    WHERE s.patient_id = \(patient) AND s.organisation_id = \(request.organisation)
                      AND daterange(s.admitted_on, s.discharge_on, '[]') @> \(day.description)::date
                    """, prepared: true
                ).first
            else {
                let visible = try await connection.query("SELECT 1 FROM patients WHERE id = \(patient)", prepared: true).first != nil
                guard visible else { throw Refusal.unknownPatient }
                throw Refusal.bookingRefused(.notAdmitted, "the patient has no rehab stay at this clinic on \(day)", sources: [])
            }
            let (pseudonym, flags, strokeType, daysSinceStroke) = try row.decode((String, [String], StrokeType, Int).self)
            try catalogue.checkPatient(modality: request.modality, flags: flags, strokeType: strokeType, daysSinceStroke: daysSinceStroke, patient: pseudonym)
        }
        return day
    }

    /// The patient's prescription of the session's modality current on its day, if any.
    static func prescription(_ patient: UUID, _ request: RehabBookingRequest, day: CalendarDay, on connection: PostgresConnection) async throws -> UUID? {
        try await connection.query(
            """
            SELECT r.id FROM rehab_prescriptions r JOIN rehab_stays s ON s.id = r.stay_id
            WHERE s.patient_id = \(patient) AND s.organisation_id = \(request.organisation) AND r.modality = \(request.modality)
              AND daterange(r.starts_on, r.ends_on, '[]') @> \(day.description)::date
            LIMIT 1
            """, prepared: true
        ).first?.decode(UUID.self)
    }

    /// A booked (not cancelled) session as a request, with its active participants; locked
    /// against other changes of it until the transaction ends.
    static func session(_ id: UUID, on connection: PostgresConnection) async throws -> (request: RehabBookingRequest, series: UUID?) {
        guard
            let row = try await connection.query(
                """
                SELECT organisation_id, modality, therapist_id, room_id, lower(during), upper(during), max_participants, series_id,
                       ARRAY(SELECT patient_id FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL ORDER BY patient_id)
                FROM rehab_sessions s WHERE id = \(id) AND cancelled_at IS NULL FOR UPDATE
                """, prepared: true
            ).first
        else { throw Refusal.unknownSession }
        let (organisation, modality, therapist, room, start, end, maxParticipants, series, patients) =
            try row.decode((UUID, String, UUID?, UUID, Date, Date, Int, UUID?, [UUID]).self)
        let request = RehabBookingRequest(
            organisation: organisation, modality: modality, therapist: therapist, room: room, start: start, end: end, maxParticipants: maxParticipants,
            patients: patients)
        return (request, series)
    }

    // MARK: Conflicts

    /// Runs `work`; a clash the database reports becomes a a booking conflict (`Refusal`) naming the
    /// caller's booked session it clashes with.
    func mappingConflicts<Result>(
        _ request: RehabBookingRequest?, excluding: UUID?, as context: AccessContext,
        lateRequest: () -> RehabBookingRequest? = { nil }, _ work: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await work()
        } catch let error as PostgresError {
            guard let kind = Self.conflictKind(error), let request = request ?? lateRequest() else { throw error }
            throw try await conflict(kind, request, excluding: excluding, as: context)
        }
    }

    /// The clash a refused statement reports, if it is one.
    static func conflictKind(_ error: PostgresError) -> BookingClash? {
        switch (error.sqlState, error.constraint) {
        case (SQLState.exclusionViolation, "rehab_sessions_therapist_free"): .therapistBusy
        case (SQLState.exclusionViolation, "rehab_participants_patient_free"): .patientBusy
        case (SQLState.exclusionViolation, "rehab_sessions_room_free"): .roomBusy
        case (SQLState.checkViolation, "rehab_room_capacity"): .roomFull
        case (SQLState.checkViolation, "rehab_group_size"): .groupFull
        default: nil
        }
    }

    /// Names the caller's booked session the request clashes with.
    func conflict(_ kind: BookingClash, _ request: RehabBookingRequest, excluding: UUID?, as context: AccessContext) async throws -> Refusal {
        let span = (request.start, request.end)
        let row = try await pool.withAccess(context, readOnly: true) { connection -> PostgresRow? in
            switch kind {
            case .therapistBusy:
                return try await connection.query(
                    """
                    SELECT id, starts_at, ends_at FROM rehab_sessions
                    WHERE therapist_id = \(request.therapist) AND cancelled_at IS NULL
                      AND starts_at >= \(span.0.addingTimeInterval(-12 * 3_600)) AND starts_at < \(span.1) AND ends_at > \(span.0)
                      AND id IS DISTINCT FROM \(excluding)
                    ORDER BY starts_at LIMIT 1
                    """, prepared: true
                ).first
            case .patientBusy:
                for patient in request.patients {
                    if let row = try await connection.query(
                        """
                        SELECT s.id, lower(s.during), upper(s.during) FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
                        WHERE p.patient_id = \(patient) AND p.cancelled_at IS NULL AND s.cancelled_at IS NULL
                          AND s.during && tstzrange(\(span.0), \(span.1)) AND s.id IS DISTINCT FROM \(excluding)
                        ORDER BY lower(s.during) LIMIT 1
                        """, prepared: true
                    ).first {
                        return row
                    }
                }
                return nil
            case .roomBusy, .roomFull, .groupFull:
                return try await connection.query(
                    """
                    SELECT id, starts_at, ends_at FROM rehab_sessions
                    WHERE room_id = \(request.room) AND cancelled_at IS NULL
                      AND starts_at >= \(span.0.addingTimeInterval(-12 * 3_600)) AND starts_at < \(span.1) AND ends_at > \(span.0)
                      AND id IS DISTINCT FROM \(excluding)
                    ORDER BY starts_at LIMIT 1
                    """, prepared: true
                ).first
            }
        }
        let clash = try row?.decode((UUID, Date, Date).self)
        return Refusal.bookingConflict(kind, session: clash?.0, start: clash?.1, end: clash?.2)
    }
}
