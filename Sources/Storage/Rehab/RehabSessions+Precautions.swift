import Clinical
import Foundation
import Postgres
public import Rehabilitation

extension RehabSessions {
    /// The catalogue's precautions for a session: for each patient still on it, the precaution
    /// rules that name the session's modality and a flag of the patient's stay on its day
    /// (e.g. urinary incontinence in the pool). Contraindications never get this far: they
    /// refuse the booking. Each patient's stay read is audited.
    public func precautions(_ entry: TimetableEntry, as context: AccessContext) async throws -> [BookingPrecaution] {
        let active = entry.participants.filter { !$0.cancelled }.map(\.patientId.uuidString)
        guard !active.isEmpty else { return [] }
        return try await pool.withAccess(context) { connection in
            guard
                let organisation = try await connection.query("SELECT organisation_id FROM rehab_sessions WHERE id = \(entry.session)", prepared: true)
                    .first?.decode(UUID.self)
            else { return [] }
            let day = try await ClinicSettings.load(organisation, on: connection).local(entry.start).day
            var result: [BookingPrecaution] = []
            for row in try await connection.query(
                """
                SELECT p.pseudonym, s.flags, s.patient_id, s.id FROM rehab_stays s JOIN patients p ON p.id = s.patient_id
                WHERE s.patient_id = ANY(\(active)::uuid[]) AND s.organisation_id = \(organisation)
                  AND daterange(s.admitted_on, s.discharge_on, '[]') @> \(day.description)::date
                ORDER BY p.pseudonym
                """, prepared: true)
            {
                let (pseudonym, flags, patient, stay) = try row.decode((String, [String], UUID, UUID).self)
                result += catalogue.precautions(modality: entry.modality, flags: flags, patient: pseudonym)
                try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RehabStay", resourceID: stay.uuidString), on: connection)
            }
            return result
        }
    }
}
