public import Clinical
public import Foundation
import Postgres
public import Rehabilitation

/// Therapy a patient was prescribed, booked and given over a period, per modality, and
/// against the guideline intensity targets of the modality catalogue.
public struct DoseReport: Sendable, Codable, Equatable {
    public struct Modality: Sendable, Codable, Equatable {
        public var modality: String
        public var discipline: String
        public var prescribedMinutes: Int
        public var bookedMinutes: Int
        public var deliveredMinutes: Int
        public var attended: Int
        public var noShows: Int
        public var cancelled: Int
    }

    public var patientId: UUID
    public var from: CalendarDay
    public var to: CalendarDay
    public var catalogueVersion: String
    public var modalities: [Modality]
    public var targets: [IntensityProgress]
}

extension RehabSessions {
    /// A patient's dose from `from` to `to` (both included) at the caller's clinics.
    public func dose(patient: UUID, from: CalendarDay, to: CalendarDay, as context: AccessContext) async throws -> DoseReport? {
        guard from <= to, from.days(to: to) <= 366 else { throw Refusal.invalid("to", "must be on or after from, within a year") }
        return try await pool.withAccess(context) { connection in
            guard try await connection.query("SELECT 1 FROM patients WHERE id = \(patient)", prepared: true).first != nil else { return nil }
            let stays = try await connection.query(
                """
                SELECT id, organisation_id, flags FROM rehab_stays
                WHERE patient_id = \(patient) AND daterange(admitted_on, discharge_on, '[]') && daterange(\(from.description)::date, \(to.description)::date, '[]')
                """, prepared: true)
            var flags: [String] = []
            var prescribed: [String: Double] = [:]
            for stay in stays {
                flags += try stay.decode([String].self, at: 2)
                for prescription in try await RehabStays.prescriptions(stays: [try stay.decode(UUID.self, at: 0)], during: from, through: to, on: connection) {
                    let first = max(prescription.startsOn, from)
                    let last = min(prescription.endsOn ?? to, to)
                    let days = Double(first.days(to: last) + 1)
                    prescribed[prescription.modality, default: 0] += Double(prescription.sessionsPerWeek * prescription.sessionMinutes) * days / 7
                }
            }
            let settings = try await ClinicSettings.load(try stays.first?.decode(UUID.self, at: 1) ?? UUID(), on: connection)
            let start = settings.instant(from, ClockTime(clamping: 0))
            let end = settings.instant(to.adding(days: 1), ClockTime(clamping: 0))
            var rows: [String: DoseReport.Modality] = [:]
            for row in try await connection.query(
                """
                SELECT s.modality,
                       coalesce(sum(extract(epoch FROM upper(s.during) - lower(s.during)) / 60) FILTER (WHERE NOT s.cancelled AND p.cancelled_at IS NULL), 0)::bigint,
                       coalesce(sum(p.minutes_delivered), 0)::bigint,
                       count(*) FILTER (WHERE p.attendance = 'attended'), count(*) FILTER (WHERE p.attendance = 'no_show'),
                       count(*) FILTER (WHERE s.cancelled OR p.cancelled_at IS NOT NULL)
                FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
                WHERE p.patient_id = \(patient) AND s.during && tstzrange(\(start), \(end))
                GROUP BY s.modality
                """, prepared: true)
            {
                let (modality, booked, delivered, attended, noShows, cancelled) = try row.decode((String, Int, Int, Int, Int, Int).self)
                rows[modality] = DoseReport.Modality(
                    modality: modality, discipline: (try? catalogue.modality(modality).discipline) ?? "unknown", prescribedMinutes: 0,
                    bookedMinutes: booked, deliveredMinutes: delivered, attended: attended, noShows: noShows, cancelled: cancelled)
            }
            for (modality, minutes) in prescribed {
                rows[
                    modality,
                    default: DoseReport.Modality(
                        modality: modality, discipline: (try? catalogue.modality(modality).discipline) ?? "unknown",
                        prescribedMinutes: 0, bookedMinutes: 0, deliveredMinutes: 0, attended: 0, noShows: 0,
                        cancelled: 0)
                ].prescribedMinutes = Int(minutes.rounded())
            }
            let modalities = rows.values.sorted { $0.modality < $1.modality }
            let delivered = Dictionary(modalities.map { ($0.discipline, $0.deliveredMinutes) }, uniquingKeysWith: +)
            let prescribedDisciplines = Set(modalities.filter { $0.prescribedMinutes > 0 }.map(\.discipline))
            try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RehabDose"), on: connection)
            return DoseReport(
                patientId: patient, from: from, to: to, catalogueVersion: catalogue.version, modalities: modalities,
                targets: catalogue.intensityProgress(
                    deliveredByDiscipline: delivered, prescribedDisciplines: prescribedDisciplines,
                    flags: flags, days: from.days(to: to) + 1))
        }
    }
}
