import Clinical
public import Foundation
public import Postgres

/// Patients' whole records for exchange (the FHIR façade): one patient's chart read in one
/// read-only transaction under row-level security, and the patients the caller may see. Every
/// read is audited, one row per patient: a patient the caller may not see is a denied read,
/// answered as an unknown one.
public struct PatientCharts: Sendable {
    public let pool: PostgresPool
    public let audit: AuditWriter

    public init(pool: PostgresPool, audit: AuditWriter) {
        self.pool = pool
        self.audit = audit
    }

    /// One patient's chart as one snapshot (repeatable read), with the parts the caller's role
    /// may read, or nil when the caller may not see the patient.
    /// - Parameters:
    ///   - parts: what beyond the patient, the episodes and the assessments is read.
    ///   - action: how the audit row names the access (a read of the record, or a search of
    ///     one type within it).
    ///   - resource: what was asked for, for the audit row (`Patient/$everything`, `Observation`).
    ///   - resourceID: what was asked for by id, for the audit row (the patient's id otherwise).
    public func chart(
        _ id: UUID, parts: ChartParts, action: AuditEvent.Action, resource: String, resourceID: String? = nil, as context: AccessContext
    ) async throws -> PatientChart? {
        let (chart, breakGlassReason) = try await pool.withAccess(context, level: .repeatableRead, readOnly: true) {
            connection -> (PatientChart?, String?) in
            guard let chart = try await Self.chart(id, parts: parts, on: connection) else { return (nil, nil) }
            return (chart, try await PatientRecords.breakGlassReason(for: chart.patient, context: context, on: connection))
        }
        try await audit.record([
            context.auditEvent(
                action, patient: id, resource: resource, resourceID: resourceID ?? id.uuidString, outcome: chart == nil ? .denied : .success,
                breakGlassReason: breakGlassReason)
        ])
        return chart
    }

    /// The patients the caller may see, by id or pseudonym (within `organisation` when given), a
    /// page at a time in a stable order, and how many match; each patient found is an audited search.
    public func patients(
        id: UUID?, pseudonym: String?, organisation: UUID?, limit: Int, offset: Int, as context: AccessContext
    ) async throws -> (patients: [Patient], total: Int) {
        let (patients, total) = try await pool.withAccess(context, readOnly: true) { connection in
            let rows = try await connection.query(
                """
                SELECT id, organisation_id, pseudonym, birth_year, sex, created_at, count(*) OVER ()
                FROM patients
                WHERE (\(id)::uuid IS NULL OR id = \(id)) AND (\(pseudonym)::text IS NULL OR pseudonym = \(pseudonym))
                  AND (\(organisation)::uuid IS NULL OR organisation_id = \(organisation))
                ORDER BY created_at, id LIMIT \(limit) OFFSET \(offset)
                """, prepared: true)
            var total = 0
            let patients = try rows.map { row in
                let (id, organisationId, pseudonym, birthYear, sex, createdAt, count) = try row.decode((UUID, UUID, String, Int?, String, Date, Int).self)
                total = count
                return Patient(id: id, organisationId: organisationId, pseudonym: pseudonym, birthYear: birthYear, sex: sex, createdAt: createdAt)
            }
            if patients.isEmpty, offset > 0 {
                total = try await connection.query(
                    """
                    SELECT count(*) FROM patients
                    WHERE (\(id)::uuid IS NULL OR id = \(id)) AND (\(pseudonym)::text IS NULL OR pseudonym = \(pseudonym))
                      AND (\(organisation)::uuid IS NULL OR organisation_id = \(organisation))
                    """, prepared: true
                ).single().decode(Int.self)
            }
            return (patients, total)
        }
        try await audit.record(patients.map { context.auditEvent(.search, patient: $0.id, resource: "Patient", resourceID: $0.id.uuidString) })
        return (patients, total)
    }

    /// The patient a row belongs to, if the caller may see it; an id the caller may not see is
    /// audited as a denied read of `resource`.
    public func patient(of row: ChartRow, id: UUID, resource: String, as context: AccessContext) async throws -> UUID? {
        let patient = try await pool.withAccess(context, readOnly: true) { connection -> UUID? in
            let query: PostgresQuery =
                switch row {
                case .patient: "SELECT id FROM patients WHERE id = \(id)"
                case .episode: "SELECT patient_id FROM stroke_episodes WHERE id = \(id)"
                case .stay: "SELECT patient_id FROM rehab_stays WHERE id = \(id)"
                case .encounter:
                    "SELECT patient_id FROM stroke_episodes WHERE id = \(id) UNION ALL SELECT patient_id FROM rehab_stays WHERE id = \(id)"
                case .observation:
                    "SELECT patient_id FROM recovery_observations WHERE id = \(id) AND withdrawn_at IS NULL"
                case .evaluation: "SELECT patient_id FROM acute_evaluations WHERE id = \(id)"
                case .prescription:
                    "SELECT s.patient_id FROM rehab_prescriptions r JOIN rehab_stays s ON s.id = r.stay_id WHERE r.id = \(id)"
                }
            // An evaluation made without an episode belongs to no patient (`patient_id` NULL).
            return try await connection.query(query, prepared: true).first?.decode(UUID?.self) ?? nil
        }
        if patient == nil {
            try await audit.record([context.auditEvent(.read, patient: nil, resource: resource, resourceID: id.uuidString, outcome: .denied)])
        }
        return patient
    }

    /// An organisation by id (the directory of organisations is not patient data), or nil.
    public func organisation(_ id: UUID, as context: AccessContext) async throws -> ChartOrganisation? {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.organisations([id], on: connection).first
        }
    }

    private static func chart(_ id: UUID, parts: ChartParts, on connection: PostgresConnection) async throws -> PatientChart? {
        guard
            let row = try await connection.query(
                "SELECT id, organisation_id, pseudonym, birth_year, sex, created_at FROM patients WHERE id = \(id)", prepared: true
            ).first
        else { return nil }
        let (patientID, organisation, pseudonym, birthYear, sex, createdAt) = try row.decode((UUID, UUID, String, Int?, String, Date).self)
        let patient = Patient(id: patientID, organisationId: organisation, pseudonym: pseudonym, birthYear: birthYear, sex: sex, createdAt: createdAt)
        let episodes = try await connection.query(
            "SELECT \(fragment: AcuteEpisodes.columns) FROM stroke_episodes WHERE patient_id = \(id) ORDER BY arrival_at NULLS LAST, created_at, id",
            prepared: true
        ).map(AcuteEpisodes.decode)
        let followUps = try await connection.query(
            "SELECT id, mrs_90 FROM stroke_episodes WHERE patient_id = \(id) AND mrs_90 IS NOT NULL", prepared: true
        ).map { try $0.decode((UUID, Int).self) }
        let evaluations: [ChartEvaluation] =
            !parts.contains(.acuteEvaluations)
            ? []
            : try await connection.query(
                """
                SELECT id, organisation_id, episode_id, evaluated_at, profile, protocol_version, ivt_status, evt_recommendation, input::text, output::text
                FROM acute_evaluations WHERE patient_id = \(id) ORDER BY evaluated_at, id
                """, prepared: true
            ).map { row in
                let (id, organisation, episode, at, profile, version, ivt, evt, input, output) =
                    try row.decode((UUID, UUID, UUID?, Date, String, String, String, String, String, String).self)
                return ChartEvaluation(
                    id: id, organisationId: organisation, episodeId: episode, evaluatedAt: at, profile: profile, protocolVersion: version, ivtStatus: ivt,
                    evtRecommendation: evt, input: Data(input.utf8), output: Data(output.utf8))
            }
        let observations = try await RecoveryObservation.load(id, onset: nil, on: connection)
        let stays: [RehabStay] =
            !parts.contains(.rehab)
            ? []
            : try await connection.query(
                """
                SELECT id, organisation_id, setting, stroke_date::text, stroke_type, team, flags, max_minutes_per_day, min_gap_minutes,
                       time_preference, admitted_on::text, discharge_on::text
                FROM rehab_stays WHERE patient_id = \(id) ORDER BY admitted_on, id
                """, prepared: true
            ).map { row in
                let (stay, organisation, setting, strokeDate, strokeType, team, flags, maxMinutes, minGap, preference, admitted, discharge) =
                    try row.decode((UUID, UUID, String, CalendarDay, StrokeType, Int, [String], Int, Int, String, CalendarDay, CalendarDay?).self)
                return RehabStay(
                    id: stay, organisationId: organisation, patientId: id, setting: setting, strokeDate: strokeDate, strokeType: strokeType, team: team,
                    flags: flags, maxMinutesPerDay: maxMinutes, minGapMinutes: minGap, timePreference: preference, admittedOn: admitted,
                    dischargeOn: discharge, availability: [])
            }
        let prescriptions: [RehabPrescription] =
            stays.isEmpty ? [] : try await RehabStays.prescriptions(stays: stays.compactMap(\.id), during: nil, on: connection)
        let sessions: [ChartSession] =
            !parts.contains(.rehab)
            ? []
            : try await connection.query(
                """
                SELECT s.id, s.organisation_id, s.modality, s.therapist_id, s.room_id, lower(s.during), upper(s.during), s.max_participants,
                       (SELECT count(*) FROM rehab_participants q WHERE q.session_id = s.id AND q.cancelled_at IS NULL),
                       s.cancelled, p.cancelled_at IS NOT NULL, p.attendance, p.minutes_delivered, p.prescription_id
                FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
                WHERE p.patient_id = \(id) ORDER BY lower(s.during), s.id
                """, prepared: true
            ).map { row in
                let (
                    session, organisation, modality, therapist, room, start, end, places, taken, cancelled, placeCancelled, attendance, minutes, prescription
                ) =
                    try row.decode((UUID, UUID, String, UUID?, UUID, Date, Date, Int, Int, Bool, Bool, String?, Int?, UUID?).self)
                let slot = ChartSlot(
                    id: session, organisationId: organisation, modality: modality, therapistId: therapist, roomId: room, start: start, end: end,
                    maxParticipants: places, taken: taken, cancelled: cancelled)
                return ChartSession(slot: slot, placeCancelled: placeCancelled, attendance: attendance, minutesDelivered: minutes, prescriptionId: prescription)
            }
        let therapists: [ChartTherapist] =
            sessions.isEmpty
            ? []
            : try await connection.query(
                "SELECT id, organisation_id, code, name, role, skills, active FROM rehab_therapists WHERE id = ANY (\(sessions.compactMap(\.slot.therapistId))) ORDER BY code",
                prepared: true
            ).map { row in
                let (therapist, organisation, code, name, role, skills, active) = try row.decode((UUID, UUID, String, String, String, [String], Bool).self)
                return ChartTherapist(id: therapist, organisationId: organisation, code: code, name: name, role: role, skills: skills, active: active)
            }
        let rooms: [ChartRoom] =
            sessions.isEmpty
            ? []
            : try await connection.query(
                "SELECT id, organisation_id, code, name, room_type, capacity FROM rehab_rooms WHERE id = ANY (\(sessions.map(\.slot.roomId))) ORDER BY code",
                prepared: true
            ).map { row in
                let (room, organisation, code, name, type, capacity) = try row.decode((UUID, UUID, String, String, String, Int).self)
                return ChartRoom(id: room, organisationId: organisation, code: code, name: name, type: type, capacity: capacity)
            }
        let named = Set(
            [organisation] + episodes.map(\.organisationId) + stays.map(\.organisationId) + evaluations.map(\.organisationId)
                + sessions.map(\.slot.organisationId))
        return PatientChart(
            patient: patient, organisations: try await organisations(Array(named), on: connection), episodes: episodes,
            mrs90: Dictionary(followUps, uniquingKeysWith: { first, _ in first }), evaluations: evaluations,
            observations: observations, stays: stays, prescriptions: prescriptions, sessions: sessions, therapists: therapists, rooms: rooms)
    }

    /// The organisations `ids` and every one above them (an exchange names each with its parent).
    static func organisations(_ ids: [UUID], on connection: PostgresConnection) async throws -> [ChartOrganisation] {
        try await connection.query(
            """
            WITH RECURSIVE named AS (
                SELECT id, parent_id, kind, code, name FROM organisations WHERE id = ANY (\(ids))
                UNION
                SELECT o.id, o.parent_id, o.kind, o.code, o.name FROM organisations o JOIN named n ON o.id = n.parent_id
            )
            SELECT id, parent_id, kind::text, code, name FROM named ORDER BY code, id
            """, prepared: true
        ).map { row in
            let (id, parent, kind, code, name) = try row.decode((UUID, UUID?, String, String, String).self)
            return ChartOrganisation(id: id, parentId: parent, kind: kind, code: code, name: name)
        }
    }
}
