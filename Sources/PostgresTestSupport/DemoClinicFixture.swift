public import Clinical
public import Foundation
public import Postgres
import ProtocolLibrary
public import Recovery
public import Rehabilitation
import Seed
public import Storage

/// The demo rehabilitation clinic for tests: the project's modality catalogue, and the clinic
/// loaded around a fixed week (Monday 2026-12-07) with no plan published.
public enum DemoClinicFixture {
    /// The week the tests' clinic is planned around.
    public static let week: CalendarDay = {
        guard let monday = CalendarDay("2026-12-07") else { preconditionFailure("a fixed, valid day") }
        return monday
    }()
    public static let clinic = DemoData.organisations.first { $0.kind == "rehab_clinic" }?.id ?? UUID()
    public static let coordinator = AccessContext(subject: "coordinator", role: "rehab_coordinator", organisations: [clinic])

    /// The rehab catalogue of this checkout.
    public static func catalogue() throws -> RehabCatalogue {
        try TestPaths.protocols.rehabCatalogue()
    }

    /// The recovery protocol of this checkout.
    public static func recoveryProtocol() throws -> RecoveryProtocol {
        try TestPaths.protocols.recovery()
    }

    /// Loads the demo region and its clinic (no plan) into a test database.
    public static func load(into pool: PostgresPool) async throws -> RehabCatalogue {
        let catalogue = try catalogue()
        _ = try await DemoData.load(into: pool)
        _ = try await DemoClinic.load(into: pool, catalogue: catalogue, week: week, publishing: nil)
        return catalogue
    }

    /// A demo patient's id by pseudonym ("DEMO-R05").
    public static func patient(_ pseudonym: String) -> UUID {
        let index = Int(pseudonym.suffix(2)).map { $0 - 1 } ?? 0
        return DemoClinic.patientIDs[min(max(index, 0), DemoClinic.patientIDs.count - 1)]
    }

    /// The instant of a local time on a day of the test week (0 = Monday), in the clinic's zone.
    public static func at(day: Int, _ time: String) -> Date {
        DemoClinic.settings.instant(week.adding(days: day), ClockTime(time) ?? ClockTime(clamping: 480))
    }

    /// A timetable of the demo clinic as `rehab-week/1` schedule rows of the week starting `week`.
    public static func rows(_ timetable: [TimetableEntry], week: CalendarDay) -> [ScheduleRow] {
        let settings = DemoClinic.settings
        let names = Dictionary(uniqueKeysWithValues: DemoClinic.patientIDs.enumerated().map { ($1, String(format: "DEMO-R%02d", $0 + 1)) })
        return timetable.flatMap { entry in
            entry.participants.filter { !$0.cancelled }.map { participant in
                let local = settings.local(entry.start)
                return ScheduleRow(
                    patient: names[participant.patientId] ?? "?", modality: entry.modality, therapist: entry.therapistCode,
                    room: entry.roomCode, day: week.days(to: local.day),
                    start: (local.minutes - settings.dayStart.minutes) / settings.slotMinutes,
                    length: Int(entry.end.timeIntervalSince(entry.start)) / 60 / settings.slotMinutes)
            }
        }
    }
}
