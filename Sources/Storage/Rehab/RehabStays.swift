public import Clinical
public import Foundation
public import Postgres
public import Rehabilitation

/// A patient's stay at a rehabilitation clinic: what planning and every booking check need.
public struct RehabStay: Sendable, Codable, Equatable {
    public var id: UUID?
    public var organisationId: UUID
    public var patientId: UUID
    /// The patient's pseudonym (filled in on reads).
    public var pseudonym: String?
    /// "inpatient" or "outpatient".
    public var setting: String
    public var strokeDate: CalendarDay
    /// "ischaemic" or "haemorrhagic".
    public var strokeType: StrokeType
    /// The ward team whose therapists treat the patient (team-restricted modalities).
    public var team: Int
    /// Clinical flags the contraindication rules and planning read (faecal_incontinence,
    /// open_wound, uncontrolled_epilepsy, fatigue, aphasia, …): only those of the catalogue's `flags`.
    public var flags: [String]
    public var maxMinutesPerDay: Int
    /// Rest the patient needs between two sessions.
    public var minGapMinutes: Int
    /// "none", "am" or "pm".
    public var timePreference: String
    public var admittedOn: CalendarDay
    public var dischargeOn: CalendarDay?
    /// When the patient can attend, per week day.
    public var availability: [WeeklyWindow]

    public init(
        id: UUID? = nil, organisationId: UUID, patientId: UUID, pseudonym: String? = nil, setting: String, strokeDate: CalendarDay,
        strokeType: StrokeType, team: Int, flags: [String], maxMinutesPerDay: Int, minGapMinutes: Int, timePreference: String,
        admittedOn: CalendarDay, dischargeOn: CalendarDay?, availability: [WeeklyWindow]
    ) {
        self.id = id
        self.organisationId = organisationId
        self.patientId = patientId
        self.pseudonym = pseudonym
        self.setting = setting
        self.strokeDate = strokeDate
        self.strokeType = strokeType
        self.team = team
        self.flags = flags
        self.maxMinutesPerDay = maxMinutesPerDay
        self.minGapMinutes = minGapMinutes
        self.timePreference = timePreference
        self.admittedOn = admittedOn
        self.dischargeOn = dischargeOn
        self.availability = availability
    }

    func check(_ catalogue: RehabCatalogue) throws(Refusal) {
        guard ["inpatient", "outpatient"].contains(setting) else { throw Refusal.invalid("setting", "must be inpatient or outpatient") }
        guard [.ischaemic, .haemorrhagic].contains(strokeType) else { throw Refusal.invalid("strokeType", "must be ischaemic or haemorrhagic") }
        guard (0...99).contains(team) else { throw Refusal.invalid("team", "must be 0 to 99") }
        for (index, flag) in flags.enumerated() where !RehabResources.isToken(flag) {
            throw Refusal.invalid("flags[\(index)]", "must be letters, digits or _ (1–40)")
        }
        // A flag the catalogue does not know would match no rule and let a contraindicated booking through.
        if let unknown = catalogue.firstUnknownFlag(in: flags) {
            throw Refusal.invalid("flags[\(unknown.index)]", catalogue.unknownFlagMessage(unknown.flag))
        }
        guard (15...480).contains(maxMinutesPerDay) else { throw Refusal.invalid("maxMinutesPerDay", "must be 15 to 480") }
        guard (0...240).contains(minGapMinutes) else { throw Refusal.invalid("minGapMinutes", "must be 0 to 240") }
        guard ["none", "am", "pm"].contains(timePreference) else { throw Refusal.invalid("timePreference", "must be none, am or pm") }
        guard strokeDate <= admittedOn else { throw Refusal.invalid("strokeDate", "must not be after admittedOn") }
        if let dischargeOn, dischargeOn < admittedOn { throw Refusal.invalid("dischargeOn", "must not be before admittedOn") }
        try WeeklyWindow.check(availability, "availability")
    }

    /// Days from the stroke to `day` (the stroke day is day 0).
    public func daysSinceStroke(on day: CalendarDay) -> Int { strokeDate.days(to: day) }
}

/// A weekly prescription of one modality during a stay.
public struct RehabPrescription: Sendable, Codable, Equatable {
    public var id: UUID?
    public var stayId: UUID
    public var modality: String
    public var sessionsPerWeek: Int
    public var sessionMinutes: Int
    public var maxPerDay: Int
    public var startsOn: CalendarDay
    public var endsOn: CalendarDay?
    /// Who prescribed it (filled in from the caller).
    public var prescribedBy: String?

    public init(
        id: UUID? = nil, stayId: UUID, modality: String, sessionsPerWeek: Int, sessionMinutes: Int, maxPerDay: Int,
        startsOn: CalendarDay, endsOn: CalendarDay?, prescribedBy: String? = nil
    ) {
        self.id = id
        self.stayId = stayId
        self.modality = modality
        self.sessionsPerWeek = sessionsPerWeek
        self.sessionMinutes = sessionMinutes
        self.maxPerDay = maxPerDay
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.prescribedBy = prescribedBy
    }

    func check(_ catalogue: RehabCatalogue) throws(Refusal) {
        guard catalogue.modalities.contains(where: { $0.id == modality }) else {
            throw Refusal.invalid("modality", "\(modality) is not in the modality catalogue \(catalogue.version)")
        }
        guard (1...14).contains(sessionsPerWeek) else { throw Refusal.invalid("sessionsPerWeek", "must be 1 to 14") }
        guard (5...240).contains(sessionMinutes) else { throw Refusal.invalid("sessionMinutes", "must be 5 to 240") }
        guard (1...4).contains(maxPerDay) else { throw Refusal.invalid("maxPerDay", "must be 1 to 4") }
        if let endsOn, endsOn < startsOn { throw Refusal.invalid("endsOn", "must not be before startsOn") }
    }
}

/// Patients' rehab stays and prescriptions; every read and write is audited per patient.
public struct RehabStays: Sendable {
    public let pool: PostgresPool
    public let catalogue: RehabCatalogue

    public init(pool: PostgresPool, catalogue: RehabCatalogue) {
        self.pool = pool
        self.catalogue = catalogue
    }

    /// Admits a patient of the clinic, or one another organisation has transferred to it (a
    /// current care relationship); a patient seen only through break-glass is refused.
    public func create(_ stay: RehabStay, as context: AccessContext) async throws -> RehabStay {
        try stay.check(catalogue)
        return try await pool.withAccess(context) { connection in
            guard
                let owner = try await connection.query("SELECT organisation_id FROM patients WHERE id = \(stay.patientId)", prepared: true)
                    .first?.decode(UUID.self)
            else { throw Refusal.unknownPatient }
            if owner != stay.organisationId {
                guard
                    try await connection.query(
                        """
                        SELECT 1 FROM care_relationships WHERE organisation_id = \(stay.organisationId) AND patient_id = \(stay.patientId)
                          AND valid_from <= now() AND (valid_until IS NULL OR valid_until > now())
                        """, prepared: true
                    ).first != nil
                else { throw Refusal.notTransferred }
            }
            let id = try await connection.query(
                """
                INSERT INTO rehab_stays (organisation_id, patient_id, setting, stroke_date, stroke_type, team, flags, max_minutes_per_day,
                                         min_gap_minutes, time_preference, admitted_on, discharge_on)
                VALUES (\(stay.organisationId), \(stay.patientId), \(stay.setting), \(stay.strokeDate.description)::date, \(stay.strokeType.rawValue),
                        \(stay.team), \(stay.flags), \(stay.maxMinutesPerDay), \(stay.minGapMinutes), \(stay.timePreference),
                        \(stay.admittedOn.description)::date, \(stay.dischargeOn?.description)::date)
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            try await RehabResources.replaceWindows(stay.availability, .availability, id: id, organisation: stay.organisationId, on: connection)
            try await AuditLog.record(context.auditEvent(.create, patient: stay.patientId, resource: "RehabStay", resourceID: id.uuidString), on: connection)
            var created = stay
            created.id = id
            return created
        }
    }

    /// Replaces a stay's details and availability (not its patient or clinic); false if there
    /// is no such stay for the caller.
    public func update(_ id: UUID, _ stay: RehabStay, as context: AccessContext) async throws -> Bool {
        try stay.check(catalogue)
        return try await pool.withAccess(context) { connection in
            guard
                let row = try await connection.query(
                    """
                    UPDATE rehab_stays SET setting = \(stay.setting), stroke_date = \(stay.strokeDate.description)::date, stroke_type = \(stay.strokeType.rawValue),
                        team = \(stay.team), flags = \(stay.flags), max_minutes_per_day = \(stay.maxMinutesPerDay),
                        min_gap_minutes = \(stay.minGapMinutes), time_preference = \(stay.timePreference),
                        admitted_on = \(stay.admittedOn.description)::date, discharge_on = \(stay.dischargeOn?.description)::date
                    WHERE id = \(id) RETURNING organisation_id, patient_id
                    """, prepared: true
                ).first
            else { return false }
            let (organisation, patient) = try row.decode((UUID, UUID).self)
            try await RehabResources.replaceWindows(stay.availability, .availability, id: id, organisation: organisation, on: connection)
            try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "RehabStay", resourceID: id.uuidString), on: connection)
            return true
        }
    }

    /// One stay, or nil.
    public func stay(_ id: UUID, as context: AccessContext) async throws -> RehabStay? {
        try await pool.withAccess(context) { connection in
            guard let stay = try await Self.stays(clinic: nil, during: nil, id: id, on: connection).first else { return nil }
            try await AuditLog.record(context.auditEvent(.read, patient: stay.patientId, resource: "RehabStay", resourceID: id.uuidString), on: connection)
            return stay
        }
    }

    /// The pseudonym of a patient with a stay at `clinic` (nil: none the caller may see);
    /// the read of that one patient audited.
    public func pseudonym(of patient: UUID, clinic: UUID, as context: AccessContext) async throws -> String? {
        try await pool.withAccess(context) { connection -> String? in
            guard
                let row = try await connection.query(
                    """
                    SELECT p.pseudonym FROM rehab_stays s JOIN patients p ON p.id = s.patient_id
                    WHERE s.patient_id = \(patient) AND s.organisation_id = \(clinic) LIMIT 1
                    """, prepared: true
                ).first
            else { return nil }
            try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RehabStay"), on: connection)
            return try row.decode(String.self)
        }
    }

    /// The caller's stays (of one clinic, current on one day, when given), by pseudonym.
    public func stays(clinic: UUID?, on day: CalendarDay?, as context: AccessContext) async throws -> [RehabStay] {
        try await pool.withAccess(context) { connection in
            let stays = try await Self.stays(clinic: clinic, during: day, id: nil, on: connection)
            for stay in stays {
                try await AuditLog.record(
                    context.auditEvent(.search, patient: stay.patientId, resource: "RehabStay", resourceID: stay.id?.uuidString),
                    on: connection)
            }
            return stays
        }
    }

    /// Stays current during `[from, to]` (both days included), or one stay by id.
    static func stays(
        clinic: UUID?, during day: CalendarDay?, through last: CalendarDay? = nil, id: UUID?,
        on connection: PostgresConnection
    ) async throws -> [RehabStay] {
        let windows = try await RehabResources.windows(.availability, clinic: clinic, owner: id, on: connection)
        let first = day?.description
        let end = (last ?? day)?.description
        return try await connection.query(
            """
            SELECT s.id, s.organisation_id, s.patient_id, p.pseudonym, s.setting, s.stroke_date::text, s.stroke_type, s.team, s.flags,
                   s.max_minutes_per_day, s.min_gap_minutes, s.time_preference, s.admitted_on::text, s.discharge_on::text
            FROM rehab_stays s JOIN patients p ON p.id = s.patient_id
            WHERE (\(clinic)::uuid IS NULL OR s.organisation_id = \(clinic)) AND (\(id)::uuid IS NULL OR s.id = \(id))
              AND (\(first)::date IS NULL OR daterange(s.admitted_on, s.discharge_on, '[]') && daterange(\(first)::date, \(end)::date, '[]'))
            ORDER BY p.pseudonym, s.admitted_on
            """, prepared: true
        ).map { row in
            let (id, organisation, patient, pseudonym, setting, strokeDate, strokeType, team, flags, maxMinutes, minGap, preference, admitted, discharge) =
                try row.decode((UUID, UUID, UUID, String, String, CalendarDay, StrokeType, Int, [String], Int, Int, String, CalendarDay, CalendarDay?).self)
            return RehabStay(
                id: id, organisationId: organisation, patientId: patient, pseudonym: pseudonym, setting: setting, strokeDate: strokeDate,
                strokeType: strokeType, team: team, flags: flags, maxMinutesPerDay: maxMinutes, minGapMinutes: minGap, timePreference: preference,
                admittedOn: admitted, dischargeOn: discharge, availability: windows[id] ?? [])
        }
    }

    // MARK: Prescriptions

    /// Adds a prescription to a stay; nil if there is no such stay for the caller.
    public func prescribe(_ prescription: RehabPrescription, as context: AccessContext) async throws -> RehabPrescription? {
        try prescription.check(catalogue)
        return try await pool.withAccess(context) { connection in
            guard
                let row = try await connection.query(
                    """
                    INSERT INTO rehab_prescriptions (organisation_id, stay_id, modality, sessions_per_week, session_minutes, max_per_day,
                                                     starts_on, ends_on, prescribed_by)
                    SELECT organisation_id, id, \(prescription.modality), \(prescription.sessionsPerWeek), \(prescription.sessionMinutes),
                           \(prescription.maxPerDay), \(prescription.startsOn.description)::date, \(prescription.endsOn?.description)::date, \(context.subject)
                    FROM rehab_stays WHERE id = \(prescription.stayId)
                    RETURNING id, (SELECT patient_id FROM rehab_stays WHERE id = \(prescription.stayId))
                    """, prepared: true
                ).first
            else { return nil }
            let (id, patient) = try row.decode((UUID, UUID).self)
            try await AuditLog.record(context.auditEvent(.create, patient: patient, resource: "RehabPrescription", resourceID: id.uuidString), on: connection)
            var created = prescription
            created.id = id
            created.prescribedBy = context.subject
            return created
        }
    }

    /// Changes a prescription (dose, dates); false if there is no such prescription for the caller.
    public func update(prescription id: UUID, _ prescription: RehabPrescription, as context: AccessContext) async throws -> Bool {
        try prescription.check(catalogue)
        return try await pool.withAccess(context) { connection in
            guard
                let patient = try await connection.query(
                    """
                    UPDATE rehab_prescriptions r SET modality = \(prescription.modality), sessions_per_week = \(prescription.sessionsPerWeek),
                        session_minutes = \(prescription.sessionMinutes), max_per_day = \(prescription.maxPerDay),
                        starts_on = \(prescription.startsOn.description)::date, ends_on = \(prescription.endsOn?.description)::date
                    FROM rehab_stays s WHERE r.id = \(id) AND s.id = r.stay_id RETURNING s.patient_id
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { return false }
            try await AuditLog.record(
                context.auditEvent(.update, patient: patient, resource: "RehabPrescription", resourceID: id.uuidString),
                on: connection)
            return true
        }
    }

    /// A stay's prescriptions, by modality and start.
    public func prescriptions(stay: UUID, as context: AccessContext) async throws -> [RehabPrescription] {
        try await pool.withAccess(context) { connection in
            let list = try await Self.prescriptions(stays: [stay], during: nil, on: connection)
            if let patient = try await connection.query("SELECT patient_id FROM rehab_stays WHERE id = \(stay)", prepared: true).first?.decode(UUID.self) {
                try await AuditLog.record(
                    context.auditEvent(.read, patient: patient, resource: "RehabPrescription", resourceID: stay.uuidString),
                    on: connection)
            }
            return list
        }
    }

    /// The prescriptions of some stays (current during `[from, through]` when given).
    static func prescriptions(
        stays: [UUID], during day: CalendarDay?, through last: CalendarDay? = nil,
        on connection: PostgresConnection
    ) async throws -> [RehabPrescription] {
        let first = day?.description
        let end = (last ?? day)?.description
        return try await connection.query(
            """
            SELECT id, stay_id, modality, sessions_per_week, session_minutes, max_per_day, starts_on::text, ends_on::text, prescribed_by
            FROM rehab_prescriptions
            WHERE stay_id = ANY (\(stays)::uuid[])
              AND (\(first)::date IS NULL OR daterange(starts_on, ends_on, '[]') && daterange(\(first)::date, \(end)::date, '[]'))
            ORDER BY stay_id, modality, starts_on
            """, prepared: true
        ).map { row in
            let (id, stay, modality, perWeek, minutes, maxPerDay, startsOn, endsOn, prescribedBy) =
                try row.decode((UUID, UUID, String, Int, Int, Int, CalendarDay, CalendarDay?, String).self)
            return RehabPrescription(
                id: id, stayId: stay, modality: modality, sessionsPerWeek: perWeek, sessionMinutes: minutes, maxPerDay: maxPerDay, startsOn: startsOn,
                endsOn: endsOn, prescribedBy: prescribedBy)
        }
    }
}
