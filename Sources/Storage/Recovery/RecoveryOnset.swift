public import Clinical
public import Foundation
import Postgres

/// When a patient's stroke began and what the acute course gives the model: the latest of
/// the episodes' last-known-well times and the rehab stays' stroke dates (taken at midnight
/// in the clinic's zone, as the time of day is not recorded there), and the episode's
/// reperfusion, mTICI and NIHSS at arrival.
public struct RecoveryOnset: Sendable, Codable, Equatable {
    public var at: Date
    /// Where `at` comes from, in words.
    public var source: String
    /// Onset to reperfusion in days when the episode reached a reperfusing mTICI grade.
    public var reperfusionDays: Double?
    public var mtici: String?
    public var nihssAtArrival: Int?
    /// The calendar day of onset in the zone of the organisation whose data gave it.
    public var day: CalendarDay
    public var timeZone: String

    /// The onset of a patient visible to the connection's caller; nil when nothing records it.
    static func load(_ patient: UUID, reperfusedGrades: [String], on connection: PostgresConnection) async throws -> RecoveryOnset? {
        var candidates: [RecoveryOnset] = []
        if let row = try await connection.query(
            """
            SELECT e.last_known_well, e.reperfusion_at, e.mtici::text, e.nihss_at_arrival, e.organisation_id
            FROM stroke_episodes e WHERE e.patient_id = \(patient) AND e.last_known_well IS NOT NULL
            ORDER BY e.last_known_well DESC LIMIT 1
            """, prepared: true
        ).first {
            let (at, reperfusion, mtici, nihss, organisation) = try row.decode((Date, Date?, String?, Int?, UUID).self)
            let reperfused = reperfusion.flatMap { time in
                mtici.map(reperfusedGrades.contains) == true ? time.timeIntervalSince(at) / 86_400 : nil
            }
            let settings = try await ClinicSettings.load(organisation, on: connection)
            candidates.append(
                RecoveryOnset(
                    at: at, source: "the acute episode's last-known-well time", reperfusionDays: reperfused, mtici: mtici,
                    nihssAtArrival: nihss, day: settings.local(at).day, timeZone: settings.timeZone))
        }
        if let row = try await connection.query(
            """
            SELECT s.stroke_date::text, s.organisation_id FROM rehab_stays s WHERE s.patient_id = \(patient) ORDER BY s.stroke_date DESC LIMIT 1
            """, prepared: true
        ).first {
            let (day, organisation) = try row.decode((CalendarDay, UUID).self)
            let settings = try await ClinicSettings.load(organisation, on: connection)
            let at = settings.instant(day, ClockTime(clamping: 0))
            // A stay's stroke date is a day: an episode's time around it is the same stroke, more precisely.
            if candidates.allSatisfy({ $0.day.adding(days: 1) < day }) {
                candidates = [
                    RecoveryOnset(
                        at: at, source: "the rehab stay's stroke date (time of day not recorded: taken as 00:00)",
                        reperfusionDays: nil, mtici: nil, nihssAtArrival: nil, day: day, timeZone: settings.timeZone)
                ]
            }
        }
        return candidates.first
    }

    /// Days from onset to `instant`.
    public func days(to instant: Date) -> Double { instant.timeIntervalSince(at) / 86_400 }
}
