import Clinical
public import Foundation
public import Postgres
import Storage

/// Assessments for the demo clinic's patients (load `DemoClinic` first), so that their
/// recovery charts have something to fit: FM-UE on days 3, 7, 14, 30, 60, 90 and 150 after
/// the stroke (those already past), following van der Vliet's course with a few points of
/// rater noise, and SAFE and MEP on days 2 and 4. Loads nothing when a demo patient already
/// has an assessment.
public enum DemoRecovery {
    /// Pseudonym, FM0, r, τ (days), SAFE, MEP present.
    static let courses: [(String, Double, Double, Double, Int, Bool)] = [
        ("DEMO-R01", 22, 0.75, 20, 6, true), ("DEMO-R02", 12, 0.7, 30, 4, true), ("DEMO-R03", 30, 0.8, 15, 7, true),
        ("DEMO-R04", 8, 0.25, 40, 2, false), ("DEMO-R05", 18, 0.6, 25, 5, true), ("DEMO-R07", 4, 0.1, 35, 1, false),
        ("DEMO-R09", 26, 0.85, 12, 8, true), ("DEMO-R10", 15, 0.65, 28, 4, true), ("DEMO-R16", 10, 0.55, 32, 3, true),
    ]
    static let days: [Double] = [3, 7, 14, 30, 60, 90, 150]
    static let noise: [Double] = [1, -2, 2, -1, 0, 2, -1]

    /// The number of assessments added.
    public static func load(into pool: PostgresPool, now: Date = Date()) async throws -> Int {
        let context = AccessContext(subject: "demo-seed", role: "rehab_coordinator", organisations: [DemoData.rehabClinic])
        return try await pool.withAccess(context) { connection in
            guard
                try await connection.query(
                    """
                    SELECT 1 FROM recovery_observations o JOIN patients p ON p.id = o.patient_id WHERE p.pseudonym LIKE 'DEMO-R%' LIMIT 1
                    """
                ).first == nil
            else { return 0 }
            var added = 0
            for (pseudonym, fm0, r, tau, safe, mep) in courses {
                guard
                    let row = try await connection.query(
                        """
                        SELECT s.patient_id, s.stroke_date::text FROM rehab_stays s JOIN patients p ON p.id = s.patient_id
                        WHERE p.pseudonym = \(pseudonym) AND s.organisation_id = \(DemoData.rehabClinic)
                        """
                    ).first, let strokeDay = CalendarDay(try row.decode(String.self, at: 1))
                else { continue }
                let patient = try row.decode(UUID.self, at: 0)
                let onset = DemoClinic.settings.instant(strokeDay, ClockTime(clamping: 0))
                var assessments: [(String, Int, Double)] = [("SAFE", safe, 2), ("MEP", mep ? 1 : 0, 4)]
                for (day, error) in zip(days, noise) {
                    let score = fm0 + r * (66 - fm0) * (1 - exp(-day / tau)) + error
                    assessments.append(("FM-UE", Int(min(max(score, 0), 66).rounded()), day))
                }
                for (instrument, value, day) in assessments {
                    let when = onset.addingTimeInterval(day * 86_400 + 36_000)
                    guard when <= now else { continue }
                    try await connection.query(
                        """
                        INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by)
                        VALUES (\(DemoData.rehabClinic), \(patient), \(instrument), \(when), \(value), 'Demo therapist', 'demo-seed')
                        """)
                    added += 1
                }
            }
            return added
        }
    }
}
