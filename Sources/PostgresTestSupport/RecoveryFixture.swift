import Clinical
public import Foundation
public import Postgres
import Rehabilitation
import Storage

/// A rehab patient of the demo clinic (load `DemoClinicFixture` first) for the recovery
/// tests: a stroke `onsetDaysAgo` days before `now` with an episode (reperfused at 4 h, mTICI
/// 2b, NIHSS 12 at arrival), a stay from day 5, 45 minutes of physiotherapy attended on days
/// 6–15 at 10:00, and FM-UE assessments on the days given.
public enum RecoveryFixture {
    public static let pseudonym = "REC-01"

    /// The patient's id.
    public static func patient(in pool: PostgresPool, now: Date, onsetDaysAgo: Int = 40, fm: [(day: Double, value: Int)]) async throws -> UUID {
        let context = DemoClinicFixture.coordinator
        let clinic = DemoClinicFixture.clinic
        let onset = now.addingTimeInterval(-Double(onsetDaysAgo) * 86_400)
        let settings = try await RehabResources(pool: pool).settings(clinic, as: context)
        let onsetDay = settings.local(onset).day
        let patient = try await pool.withAccess(context) { connection in
            let id = try await connection.query(
                """
                INSERT INTO patients (organisation_id, pseudonym, birth_year, sex) VALUES (\(clinic), \(pseudonym), 1956, 'female') RETURNING id
                """
            ).single().decode(UUID.self)
            try await connection.query(
                """
                INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, nihss_at_arrival, imaging_at,
                                             groin_puncture_at, reperfusion_at, mtici)
                VALUES (\(clinic), \(id), 'ischaemic', \(onset), \(onset + 5_400), 12, \(onset + 6_000), \(onset + 10_800), \(onset + 14_400), '2b')
                """)
            try await connection.query(
                """
                INSERT INTO rehab_stays (organisation_id, patient_id, setting, stroke_date, stroke_type, max_minutes_per_day, admitted_on)
                VALUES (\(clinic), \(id), 'inpatient', \(onsetDay.description)::date, 'ischaemic', 240, \(onsetDay.adding(days: 5).description)::date)
                """)
            return id
        }
        let bookings = RehabSessions(pool: pool, catalogue: try DemoClinicFixture.catalogue())
        let resources = RehabResources(pool: pool)
        let therapist = try await resources.therapists(clinic: clinic, as: context).first { $0.code == "T01" }?.id
        let gym = try await resources.rooms(clinic: clinic, as: context).first { $0.code == "GYM1" }?.id ?? UUID()
        for day in 6...15 {
            let start = settings.instant(onsetDay.adding(days: day), ClockTime(clamping: 600))
            let booked = try await bookings.book(RacingBookingMix.request("PT", therapist, gym, at: start, minutes: 45, [patient]), as: context)
            _ = try await bookings.recordAttendance(AttendanceRecord(attendance: "attended"), session: booked.session, patient: patient, now: now, as: context)
        }
        let records = RecoveryRecords(pool: pool, recovery: try DemoClinicFixture.recoveryProtocol())
        for (day, value) in fm {
            _ = try await records.record(
                RecoveryObservation(
                    patientId: patient, instrument: .fmUE, observedAt: onset + day * 86_400, value: value,
                    rater: "PT Test"), as: context)
        }
        return patient
    }
}
