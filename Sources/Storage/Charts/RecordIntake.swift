import Clinical
import Foundation
public import Postgres

/// A hospital system's records taken in (the FHIR façade's transaction): patients, acute
/// episodes and assessments stored in one transaction under row-level security, each found
/// again by its identifier instead of created twice (a patient by the organisation's
/// pseudonym, an episode or an assessment by the sender's system and value); anything refused
/// stores nothing. One audit row per patient touched.
public struct RecordIntake: Sendable {
    public let pool: PostgresPool
    /// The mTICI grades that count as reperfused (where an assessment's onset is read).
    let reperfusedGrades: [String]

    public init(pool: PostgresPool, records: RecoveryRecords) {
        self.pool = pool
        reperfusedGrades = records.reperfusedGrades
    }

    /// Stores the bundle, or nothing: an `IntakeRefusal` names the entry the database or a rule
    /// refused. Returns what became of each entry stored (created, or found as it was).
    public func store(_ bundle: IntakeBundle, as context: AccessContext) async throws -> [IntakeOutcome] {
        try await pool.withAccess(context) { connection in
            var outcomes: [IntakeOutcome] = []
            var patients: [UUID] = []
            for patient in bundle.patients {
                guard context.organisations.contains(patient.organisation) else {
                    throw IntakeRefusal(entry: patient.entry, element: "managingOrganization", message: "You do not act for that organisation.")
                }
                let (id, created) = try await Self.patient(patient, on: connection)
                patients.append(id)
                outcomes.append(IntakeOutcome(entry: patient.entry, created: created, id: id))
            }
            for episode in bundle.episodes {
                let (id, created) = try await Self.episode(episode, patient: patients[episode.patient], on: connection)
                outcomes.append(IntakeOutcome(entry: episode.entry, created: created, id: id))
            }
            var onsets: [UUID: RecoveryOnset?] = [:]
            for observation in bundle.observations {
                let patient = patients[observation.patient]
                if onsets[patient] == nil { onsets[patient] = try await RecoveryOnset.load(patient, reperfusedGrades: reperfusedGrades, on: connection) }
                let (id, created) = try await Self.observation(
                    observation, patient: patient, organisation: bundle.patients[observation.patient].organisation, onset: onsets[patient] ?? nil,
                    subject: context.subject, on: connection)
                outcomes.append(IntakeOutcome(entry: observation.entry, created: created, id: id))
            }
            for (index, patient) in patients.enumerated() {
                let entries = Set(
                    [bundle.patients[index].entry] + bundle.episodes.filter { $0.patient == index }.map(\.entry)
                        + bundle.observations.filter { $0.patient == index }.map(\.entry))
                let stored = outcomes.filter { entries.contains($0.entry) }
                let created = stored.filter(\.created).count
                try await AuditLog.record(
                    context.auditEvent(
                        created > 0 ? .create : .read, patient: patient, resource: "FHIR transaction",
                        resourceID: "\(created) created, \(stored.count - created) found"),
                    on: connection)
            }
            return outcomes.sorted { $0.entry < $1.entry }
        }
    }

    private static func patient(_ patient: IntakePatient, on connection: PostgresConnection) async throws -> (UUID, Bool) {
        if let id = try await connection.query(
            """
            INSERT INTO patients (organisation_id, pseudonym, birth_year, sex)
            VALUES (\(patient.organisation), \(patient.pseudonym), \(patient.birthYear), \(patient.sex ?? "unknown"))
            ON CONFLICT (organisation_id, pseudonym) DO NOTHING RETURNING id
            """, prepared: true
        ).first?.decode(UUID.self) {
            return (id, true)
        }
        guard
            let (id, birthYear, sex) = try await connection.query(
                "SELECT id, birth_year, sex FROM patients WHERE organisation_id = \(patient.organisation) AND pseudonym = \(patient.pseudonym)", prepared: true
            ).first?.decode((UUID, Int?, String).self)
        else { throw conflict(patient.entry, "identifier[0]", "names a patient of the organisation you may not see") }
        // Only what the sender said is compared (a patient registered here may say more).
        guard patient.birthYear.map({ $0 == birthYear }) ?? true, patient.sex.map({ $0 == sex }) ?? true else {
            throw conflict(
                patient.entry, "identifier[0]", "names a patient stored before with another birth year or sex; a transaction does not change a record")
        }
        return (id, false)
    }

    private static func episode(_ episode: IntakeEpisode, patient: UUID, on connection: PostgresConnection) async throws -> (UUID, Bool) {
        let inserted: UUID?
        do {
            inserted = try await connection.query(
                """
                INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, onset_witnessed, arrival_at, needle_at,
                                             thrombolytic, groin_puncture_at, mtici, source_system, source_id, source_values)
                VALUES (\(episode.organisation), \(patient), \(episode.strokeType.rawValue)::stroke_type, \(episode.lastKnownWell),
                        \(episode.onsetWitnessed), \(episode.arrivalAt), \(episode.needleAt), \(episode.thrombolytic), \(episode.groinPunctureAt),
                        \(episode.mtici)::mtici_grade, \(episode.source.system), \(episode.source.value), \(episode.sentValues))
                ON CONFLICT (organisation_id, source_system, source_id) WHERE source_system IS NOT NULL DO NOTHING RETURNING id
                """, prepared: true
            ).first?.decode(UUID.self)
        } catch let error as PostgresError where error.sqlState == SQLState.checkViolation {
            guard let refusal = AcuteEpisodes.refusal(error) else { throw error }
            throw IntakeRefusal(entry: episode.entry, element: "period", message: "The episode's \(refusal.field ?? "times") \(refusal.message).")
        }
        if let inserted { return (inserted, true) }
        guard
            let (id, storedPatient, sentBefore) = try await connection.query(
                """
                SELECT id, patient_id, source_values FROM stroke_episodes
                WHERE organisation_id = \(episode.organisation) AND source_system = \(episode.source.system) AND source_id = \(episode.source.value)
                """, prepared: true
            ).first?.decode((UUID, UUID, String?).self)
        else { throw conflict(episode.entry, "identifier[0]", "names an episode of the organisation you may not see") }
        // Compared with what was sent before, not with the episode now: the team may have edited it here.
        guard storedPatient == patient, sentBefore == episode.sentValues else {
            throw conflict(
                episode.entry, "identifier[0]",
                "names an episode sent before for another patient or with other values; a transaction does not change a record")
        }
        return (id, false)
    }

    private static func observation(
        _ observation: IntakeObservation, patient: UUID, organisation: UUID, onset: RecoveryOnset?, subject: String, on connection: PostgresConnection
    ) async throws -> (UUID, Bool) {
        // The façade checked the rating's scale, rater and time; the onset needs the database.
        guard let onset else {
            throw IntakeRefusal(
                entry: observation.entry, element: "subject",
                message: "The patient's stroke onset is not known: send the episode (Encounter, with its Condition's onset) first or in the same bundle.")
        }
        guard observation.observedAt >= onset.at else {
            throw IntakeRefusal(
                entry: observation.entry, element: "effectiveDateTime",
                message: "is before the stroke's onset (\(onset.at.formatted(.iso8601)), from \(onset.source))")
        }
        if let id = try await connection.query(
            """
            INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by, source_system, source_id)
            VALUES (\(organisation), \(patient), \(observation.instrument.rawValue), \(observation.observedAt), \(observation.value), \(observation.rater),
                    \(subject), \(observation.source.system), \(observation.source.value))
            ON CONFLICT (organisation_id, source_system, source_id) WHERE source_system IS NOT NULL DO NOTHING RETURNING id
            """, prepared: true
        ).first?.decode(UUID.self) {
            return (id, true)
        }
        guard
            let (id, storedPatient, instrument, observedAt, value, rater) = try await connection.query(
                """
                SELECT id, patient_id, instrument, observed_at, value, rater FROM recovery_observations
                WHERE organisation_id = \(organisation) AND source_system = \(observation.source.system) AND source_id = \(observation.source.value)
                """, prepared: true
            ).first?.decode((UUID, UUID, String, Date, Int, String).self)
        else { throw conflict(observation.entry, "identifier[0]", "names an assessment of the organisation you may not see") }
        guard storedPatient == patient, instrument == observation.instrument.rawValue, same(observedAt, observation.observedAt), value == observation.value,
            rater == observation.rater
        else {
            throw conflict(
                observation.entry, "identifier[0]",
                "names an assessment stored before for another patient or with other values; a transaction does not change a record")
        }
        return (id, false)
    }

    /// Two times the same to the millisecond (the database keeps microseconds).
    private static func same(_ stored: Date?, _ sent: Date?) -> Bool {
        switch (stored, sent) {
        case (nil, nil): true
        case (let stored?, let sent?): abs(stored.timeIntervalSince(sent)) < 0.001
        default: false
        }
    }

    private static func conflict(_ entry: Int, _ element: String, _ message: String) -> IntakeRefusal {
        IntakeRefusal(entry: entry, element: element, message: message, code: "conflict")
    }
}
