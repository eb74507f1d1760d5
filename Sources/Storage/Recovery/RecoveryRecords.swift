import Clinical
public import Foundation
public import Postgres
public import Recovery

/// Records the recovery model's data: outcome observations (withdrawn, never deleted, when
/// entered in error) and therapy given elsewhere. Every patient read and write is audited.
public struct RecoveryRecords: Sendable {
    public let pool: PostgresPool
    let reperfusedGrades: [String]

    public init(pool: PostgresPool, recovery: RecoveryProtocol) {
        self.pool = pool
        reperfusedGrades = recovery.population.modelInputs.reperfusedMtici
    }

    /// Stores an observation for the caller's first organisation. Refuses one off its scale,
    /// without a rater, in the future or before the stroke's onset (`Refusal.invalid`);
    /// `Refusal.unknownPatient` or `Refusal.unknownOnset` when the patient or their onset is not known.
    public func record(_ observation: RecoveryObservation, as context: AccessContext) async throws -> RecoveryObservation {
        try observation.check()
        guard let organisation = context.organisations.first else { throw Refusal.unknownPatient }
        return try await pool.withAccess(context) { connection in
            let onset = try await onset(observation.patientId, on: connection)
            guard observation.observedAt >= onset.at else {
                throw Refusal.invalid("observedAt", "is before the stroke's onset (\(onset.at.formatted(.iso8601)), from \(onset.source))")
            }
            let id = try await connection.query(
                """
                INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, note, recorded_by)
                VALUES (\(organisation), \(observation.patientId), \(observation.instrument.rawValue), \(observation.observedAt), \(observation.value),
                        \(observation.rater), \(observation.note), \(context.subject))
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            try await AuditLog.record(
                context.auditEvent(.create, patient: observation.patientId, resource: "RecoveryObservation", resourceID: id.uuidString),
                on: connection)
            var stored = observation
            (stored.id, stored.organisationId, stored.recordedBy, stored.day) = (id, organisation, context.subject, onset.days(to: observation.observedAt))
            return stored
        }
    }

    /// Withdraws an observation entered in error (kept, no longer used); false when there is
    /// no such current observation of the caller's organisations.
    public func withdraw(_ id: UUID, reason: String, as context: AccessContext) async throws -> Bool {
        guard (1...500).contains(reason.count) else { throw Refusal.invalid("reason", "must say why (1–500 characters)") }
        return try await pool.withAccess(context) { connection in
            guard
                let patient = try await connection.query(
                    """
                    UPDATE recovery_observations SET withdrawn_at = now(), withdrawn_by = \(context.subject), withdraw_reason = \(reason)
                    WHERE id = \(id) AND withdrawn_at IS NULL AND organisation_id = ANY (app_organisation_ids())
                    RETURNING patient_id
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { return false }
            try await AuditLog.record(context.auditEvent(.update, patient: patient, resource: "RecoveryObservation", resourceID: id.uuidString), on: connection)
            return true
        }
    }

    /// Stores therapy given elsewhere. Refuses days before the onset's day (`Refusal.invalid`)
    /// and days on which the same input is already entered (`ContradictingTherapy`).
    public func enter(_ therapy: TherapyElsewhere, as context: AccessContext) async throws -> TherapyElsewhere {
        try therapy.check()
        guard let organisation = context.organisations.first else { throw Refusal.unknownPatient }
        do {
            return try await pool.withAccess(context) { connection in
                let onset = try await onset(therapy.patientId, on: connection)
                guard therapy.firstDay >= onset.day else { throw Refusal.invalid("firstDay", "is before the day of the stroke's onset (\(onset.day))") }
                var zone = ClinicSettings.standard
                zone.timeZone = onset.timeZone
                guard therapy.lastDay <= zone.local(Date()).day else {
                    throw Refusal.invalid("lastDay", "is in the future: enter therapy given elsewhere once it has been given")
                }
                let id = try await connection.query(
                    """
                    INSERT INTO recovery_therapy_elsewhere (organisation_id, patient_id, model_input, first_day, last_day, minutes_per_day, place, entered_by)
                    VALUES (\(organisation), \(therapy.patientId), \(therapy.modelInput), \(therapy.firstDay.description)::date,
                            \(therapy.lastDay.description)::date, \(therapy.minutesPerDay), \(therapy.place), \(context.subject))
                    RETURNING id
                    """, prepared: true
                ).single().decode(UUID.self)
                try await AuditLog.record(
                    context.auditEvent(.create, patient: therapy.patientId, resource: "TherapyElsewhere", resourceID: id.uuidString),
                    on: connection)
                var stored = therapy
                (stored.id, stored.enteredBy) = (id, context.subject)
                return stored
            }
        } catch let error as PostgresError where error.sqlState == SQLState.exclusionViolation {
            let existing = try await pool.withAccess(context, readOnly: true) { connection in
                try await TherapyElsewhere.load(therapy.patientId, on: connection)
            }
            guard let clash = existing.first(where: { $0.modelInput == therapy.modelInput && $0.firstDay <= therapy.lastDay && therapy.firstDay <= $0.lastDay })
            else { throw error }
            throw Refusal.contradictingTherapy(clash)
        }
    }

    /// A patient's observations (withdrawn ones left out) and therapy entered from elsewhere;
    /// nil when the patient is not visible.
    public func records(_ patient: UUID, as context: AccessContext) async throws -> (observations: [RecoveryObservation], elsewhere: [TherapyElsewhere])? {
        try await pool.withAccess(context) { connection in
            guard try await connection.query("SELECT 1 FROM patients WHERE id = \(patient)", prepared: true).first != nil else { return nil }
            let onset = try await RecoveryOnset.load(patient, reperfusedGrades: reperfusedGrades, on: connection)
            let observations = try await RecoveryObservation.load(patient, onset: onset, on: connection)
            let elsewhere = try await TherapyElsewhere.load(patient, on: connection)
            try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RecoveryObservation"), on: connection)
            return (observations, elsewhere)
        }
    }

    /// When the patient's stroke began (`Refusal.unknownPatient`, `Refusal.unknownOnset` when not known).
    public func onset(_ patient: UUID, as context: AccessContext) async throws -> RecoveryOnset {
        try await pool.withAccess(context, readOnly: true) { connection in try await onset(patient, on: connection) }
    }

    private func onset(_ patient: UUID, on connection: PostgresConnection) async throws -> RecoveryOnset {
        guard try await connection.query("SELECT 1 FROM patients WHERE id = \(patient)", prepared: true).first != nil else { throw Refusal.unknownPatient }
        guard let onset = try await RecoveryOnset.load(patient, reperfusedGrades: reperfusedGrades, on: connection) else { throw Refusal.unknownOnset }
        return onset
    }
}

extension RecoveryObservation {
    /// A patient's current observations, oldest first, each with its day since `onset`.
    static func load(_ patient: UUID, onset: RecoveryOnset?, on connection: PostgresConnection) async throws -> [RecoveryObservation] {
        try await connection.query(
            """
            SELECT id, organisation_id, instrument, observed_at, value, rater, note, recorded_by FROM recovery_observations
            WHERE patient_id = \(patient) AND withdrawn_at IS NULL ORDER BY observed_at, id
            """, prepared: true
        ).compactMap { row in
            guard var observation = try RecoveryObservation(row: row, patient: patient) else { return nil }
            observation.day = onset?.days(to: observation.observedAt)
            return observation
        }
    }

    /// An observation from a row of id, organisation_id, instrument, observed_at, value,
    /// rater, note, recorded_by; nil for an instrument this version does not know.
    init?(row: PostgresRow, patient: UUID) throws {
        self.init(try row.decode(Self.Columns.self), patient: patient)
    }

    /// The columns of such a row.
    typealias Columns = (UUID, UUID, String, Date, Int, String, String?, String)

    /// An observation from the values of such a row; nil for an instrument this version does not know.
    init?(_ columns: Columns, patient: UUID) {
        let (id, organisation, name, observedAt, value, rater, note, recordedBy) = columns
        guard let instrument = Instrument(rawValue: name) else { return nil }
        self.init(patientId: patient, instrument: instrument, observedAt: observedAt, value: value, rater: rater, note: note)
        self.id = id
        organisationId = organisation
        self.recordedBy = recordedBy
    }
}

extension TherapyElsewhere {
    /// A patient's entries, oldest first.
    static func load(_ patient: UUID, on connection: PostgresConnection) async throws -> [TherapyElsewhere] {
        try await connection.query(
            """
            SELECT id, model_input, first_day::text, last_day::text, minutes_per_day, place, entered_by FROM recovery_therapy_elsewhere
            WHERE patient_id = \(patient) ORDER BY first_day, model_input
            """, prepared: true
        ).map { row in
            let (id, input, first, last, minutes, place, enteredBy) = try row.decode((UUID, String, CalendarDay, CalendarDay, Int, String, String).self)
            var entry = TherapyElsewhere(patientId: patient, modelInput: input, firstDay: first, lastDay: last, minutesPerDay: minutes, place: place)
            entry.id = id
            entry.enteredBy = enteredBy
            return entry
        }
    }
}
