public import Clinical
public import Foundation
public import Postgres
public import Rehabilitation
public import Storage

/// The demo rehabilitation clinic (Lakeside): therapists, a gym, a hall, OT and speech rooms,
/// a pool, bath cabins and a mud room, sixteen patients at different stages after stroke with
/// their prescriptions, and published weeks planned by the solver. The patients' stays are
/// placed around the week asked for when the clinic is first loaded; loading it again adds only
/// the plans of weeks that have none (and lengthens the stays to cover them), so the demo
/// always has the current and the next week planned, whatever day it is seeded again.
public enum DemoClinic {
    /// What `load` added.
    public struct Report: Sendable, Equatable {
        public var therapists = 0
        public var rooms = 0
        public var stays = 0
        public var sessions = 0
        public var attendance = 0
        public var waiting = 0
    }

    static let clinic = DemoData.rehabClinic

    /// The clinic's grid: the standard one, in Stockholm time.
    public static let settings: ClinicSettings = {
        var settings = ClinicSettings.standard
        settings.timeZone = "Europe/Stockholm"
        return settings
    }()
    static let context = AccessContext(subject: "demo-seed", role: "rehab_coordinator", organisations: [DemoData.rehabClinic])

    /// Weekday windows "HH:MM-HH:MM" on the given week days.
    private static func windows(_ days: ClosedRange<Int>, _ windows: String...) -> [WeeklyWindow] {
        days.flatMap { day in
            windows.compactMap { text -> WeeklyWindow? in
                let parts = text.split(separator: "-").map(String.init)
                guard parts.count == 2, let start = ClockTime(parts[0]), let end = ClockTime(parts[1]) else { return nil }
                return WeeklyWindow(weekday: day, start: start, end: end)
            }
        }
    }

    /// code, name, role, skills, team, shifts.
    static let therapists: [(String, String, String, [String], Int, [WeeklyWindow])] = [
        ("T01", "Anna Berg", "physiotherapist", ["PT"], 0, windows(0...4, "08:00-12:00", "12:30-16:00")),
        ("T02", "Erik Lund", "physiotherapist, aquatic", ["PT", "AQUA"], 0, windows(0...4, "08:30-12:00", "12:30-16:00")),
        ("T03", "Sara Holm", "physiotherapist", ["PT"], 1, windows(0...4, "08:00-12:00", "12:30-16:00") + windows(5...5, "08:00-12:00")),
        ("T04", "Johan Ek", "physiotherapist, aquatic", ["PT", "AQUA"], 1, windows(0...3, "08:00-12:00", "12:30-15:00")),
        ("T05", "Maria Sund", "occupational therapist", ["OT"], 0, windows(0...4, "08:00-12:00", "12:30-16:00")),
        ("T06", "Lars Dahl", "occupational therapist", ["OT"], 1, windows(0...4, "08:00-12:00", "12:30-16:00")),
        ("T07", "Karin Nord", "speech and language therapist", ["SLT"], 0, windows(0...4, "08:30-12:00", "12:30-15:30")),
        ("T08", "Olof Strand", "speech and language therapist", ["SLT"], 1, windows(0...2, "08:00-12:00")),
        ("T09", "Ioana Pop", "balneology technician", ["BALNEO"], 0, windows(0...4, "09:00-13:00")),
    ]

    /// code, name, type, capacity, sessions at once, hours.
    static let rooms: [(String, String, String, Int, Int, [WeeklyWindow])] = [
        ("GYM1", "Gym", "gym", 6, 6, windows(0...5, "08:00-16:00")),
        ("HALL1", "Exercise hall", "hall", 8, 1, windows(0...4, "08:00-16:00")),
        ("OTR1", "ADL suite", "ot_room", 3, 3, windows(0...4, "08:00-16:00")),
        ("SPR1", "Speech room 1", "speech_room", 1, 1, windows(0...4, "08:00-16:00")),
        ("SPR2", "Speech room 2", "speech_room", 1, 1, windows(0...4, "08:00-16:00")),
        ("POOL1", "Therapy pool", "pool", 8, 2, windows(0...4, "09:00-12:00", "12:30-15:00")),
        ("BATH1", "Mineral bath cabin 1", "bath_cabin", 1, 1, windows(0...4, "08:00-14:00")),
        ("BATH2", "Mineral bath cabin 2", "bath_cabin", 1, 1, windows(0...4, "08:00-14:00")),
        ("MUD1", "Mud room", "mud_room", 4, 1, windows(0...4, "09:00-13:00")),
    ]

    /// pseudonym, setting, days since stroke on the week's Monday, stroke type, team, flags,
    /// daily cap, gap, preference, prescriptions (modality, sessions a week, minutes).
    static let patients: [(String, String, Int, StrokeType, Int, [String], Int, Int, String, [(String, Int, Int)])] = [
        ("DEMO-R01", "inpatient", 9, .ischaemic, 0, ["adl_deficit"], 180, 15, "none", [("PT", 5, 45), ("OT", 4, 45)]),
        ("DEMO-R02", "inpatient", 16, .ischaemic, 0, ["aphasia", "adl_deficit"], 180, 15, "none", [("PT", 5, 45), ("OT", 3, 45), ("SLT", 5, 30)]),
        ("DEMO-R03", "inpatient", 21, .haemorrhagic, 0, ["fatigue", "adl_deficit"], 120, 30, "am", [("PT", 5, 30), ("OT", 3, 45)]),
        (
            "DEMO-R04", "inpatient", 28, .ischaemic, 0, ["ambulant", "faecal_incontinence"], 180, 15, "none",
            [("PT", 5, 45), ("PT_CIRCUIT", 2, 60), ("OT", 3, 45)]
        ),
        ("DEMO-R05", "inpatient", 35, .ischaemic, 0, ["ambulant", "aphasia"], 180, 15, "none", [("PT", 4, 45), ("HYDRO_GRP", 2, 45), ("SLT", 4, 30)]),
        ("DEMO-R06", "inpatient", 12, .ischaemic, 1, ["adl_deficit"], 180, 15, "none", [("PT", 5, 45), ("OT", 4, 45)]),
        ("DEMO-R07", "inpatient", 19, .haemorrhagic, 1, ["aphasia"], 180, 15, "pm", [("PT", 5, 45), ("SLT", 5, 30)]),
        (
            "DEMO-R08", "inpatient", 40, .ischaemic, 1, ["ambulant", "uncontrolled_hypertension"], 180, 15, "none",
            [("PT", 5, 45), ("PT_CIRCUIT", 2, 60), ("OT", 2, 45)]
        ),
        (
            "DEMO-R09", "inpatient", 60, .ischaemic, 1, ["ambulant", "urinary_incontinence"], 180, 15, "none",
            [("PT", 4, 45), ("HYDRO_GRP", 3, 45), ("OT", 2, 45)]
        ),
        ("DEMO-R10", "outpatient", 95, .ischaemic, 0, ["ambulant", "fatigue"], 120, 30, "am", [("PT", 3, 45), ("HYDRO_GRP", 2, 45)]),
        ("DEMO-R11", "outpatient", 120, .haemorrhagic, 1, ["ambulant", "aphasia"], 120, 30, "pm", [("PT", 2, 45), ("SLT", 3, 30)]),
        (
            "DEMO-R12", "outpatient", 210, .ischaemic, 0, ["ambulant"], 180, 30, "none",
            [("PT", 3, 30), ("HYDRO_GRP", 2, 45), ("BATH", 3, 30), ("PELO", 2, 45)]
        ),
        ("DEMO-R13", "outpatient", 260, .ischaemic, 1, ["ambulant"], 180, 30, "am", [("PT", 3, 30), ("BATH", 3, 30), ("PELO", 2, 45)]),
        ("DEMO-R14", "outpatient", 400, .haemorrhagic, 0, ["ambulant", "open_wound"], 120, 30, "none", [("PT", 3, 30), ("OT", 2, 45)]),
        ("DEMO-R15", "inpatient", 5, .ischaemic, 0, ["fatigue"], 120, 30, "none", [("PT", 5, 30), ("OT", 3, 45)]),
        (
            "DEMO-R16", "inpatient", 24, .ischaemic, 1, ["ambulant", "aphasia", "adl_deficit"], 180, 15, "none",
            [("PT", 5, 45), ("OT", 3, 45), ("SLT", 4, 30), ("PT_CIRCUIT", 2, 60)]
        ),
    ]

    /// The demo patients' ids, in the order of `patients`.
    public static let patientIDs: [UUID] = (1...patients.count).map { DemoData.unit(300 + $0) }

    /// The Monday of the week `instant` falls in, in the clinic's time.
    public static func monday(of instant: Date) -> CalendarDay {
        let day = settings.local(instant).day
        return day.adding(days: -day.weekday)
    }

    /// Loads the clinic with stays around the week starting Monday `week` (unless it is there),
    /// and, with `publishing` seconds of planning each, a published plan of each of `weeks` weeks
    /// from `week` that has none, whose sessions before `now` have their attendance recorded; and
    /// two patients on the waitlist with the first plan.
    public static func load(
        into pool: PostgresPool, catalogue: RehabCatalogue, week: CalendarDay, publishing seconds: Double?, weeks: Int = 1,
        now: Date = Date()
    ) async throws -> Report {
        var report = Report()
        let stays = RehabStays(pool: pool, catalogue: catalogue)
        let bookings = RehabSessions(pool: pool, catalogue: catalogue)
        if try await RehabResources(pool: pool).therapists(clinic: clinic, as: context).isEmpty {
            report = try await create(into: pool, stays: stays, week: week)
        }
        guard let seconds else { return report }
        let plans = RehabPlans(sessions: bookings)
        for planned in (0..<weeks).map({ week.adding(days: 7 * $0) }) {
            if try await hasPublishedPlan(pool, week: planned) { continue }
            try await lengthen(stays, through: planned.adding(days: 6))
            let export = try await plans.transfer.exportWeek(clinic: clinic, week: planned, as: context)
            let result = try WeeklySolver(week: export.week).solve(.init(seconds: seconds, seed: 1, threads: 1, epochs: 4))
            let plan = try await plans.store(solved: result, export: export, week: planned, clinic: clinic, as: context)
            report.sessions += try await plans.publish(plan, as: context).sessions
            report.attendance += try await recordAttendance(before: now, week: planned, bookings: bookings)
            if report.stays > 0 && report.waiting == 0 {
                report.waiting = try await addWaitlist(RehabWaitlist(sessions: bookings), wantedBy: planned.adding(days: 11))
            }
        }
        return report
    }

    /// The therapists, rooms, patients, stays around `week` and their prescriptions.
    private static func create(into pool: PostgresPool, stays: RehabStays, week: CalendarDay) async throws -> Report {
        var report = Report()
        let resources = RehabResources(pool: pool)
        try await resources.save(settings, clinic: clinic, as: context)
        for (code, name, role, skills, team, shifts) in therapists {
            _ = try await resources.create(
                RehabTherapist(
                    organisationId: clinic, code: code, name: name, role: role, skills: skills, teams: [team],
                    shifts: shifts), as: context)
            report.therapists += 1
        }
        for (code, name, type, capacity, sessions, hours) in rooms {
            _ = try await resources.create(
                RehabRoom(
                    organisationId: clinic, code: code, name: name, type: type, capacity: capacity,
                    maxSessions: sessions, hours: hours), as: context)
            report.rooms += 1
        }
        try await pool.withAccess(context) { connection in
            for (index, patient) in patients.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO patients (id, organisation_id, pseudonym, birth_year, sex)
                    VALUES (\(patientIDs[index]), \(clinic), \(patient.0), \(1938 + 2 * index), \(index % 3 == 0 ? "male" : "female"))
                    ON CONFLICT (id) DO NOTHING
                    """)
            }
        }
        for (index, patient) in patients.enumerated() {
            let strokeDate = week.adding(days: -patient.2)
            let admitted = max(strokeDate.adding(days: 2), week.adding(days: -7))
            let availability =
                patient.1 == "outpatient"
                ? windows(0...4, "09:00-12:00", "13:00-15:00")
                : windows(0...4, "08:00-12:00", "13:00-16:00") + windows(5...5, "08:00-12:00")
            guard
                let stay = try await stays.create(
                    RehabStay(
                        organisationId: clinic, patientId: patientIDs[index], setting: patient.1, strokeDate: strokeDate, strokeType: patient.3,
                        team: patient.4,
                        flags: patient.5, maxMinutesPerDay: patient.6, minGapMinutes: patient.7, timePreference: patient.8, admittedOn: admitted,
                        dischargeOn: week.adding(days: 27), availability: availability), as: context
                ).id
            else { continue }
            report.stays += 1
            for (modality, perWeek, minutes) in patient.9 {
                _ = try await stays.prescribe(
                    RehabPrescription(
                        stayId: stay, modality: modality, sessionsPerWeek: perWeek, sessionMinutes: minutes,
                        maxPerDay: 1, startsOn: admitted, endsOn: nil), as: context)
            }
        }
        return report
    }

    /// Whether a plan of `week` was ever published (a newer one being reviewed does not count:
    /// the seeder never publishes over a week someone planned).
    private static func hasPublishedPlan(_ pool: PostgresPool, week: CalendarDay) async throws -> Bool {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM rehab_plans WHERE organisation_id = \(clinic) AND week_start = \(week.description)::date
                               AND status = \(PlanStatus.published.rawValue))
                """
            ).single().decode(Bool.self)
        }
    }

    /// Keeps every demo stay going until `day` at least: a demo seeded again weeks later still has its patients.
    private static func lengthen(_ stays: RehabStays, through day: CalendarDay) async throws {
        for var stay in try await stays.stays(clinic: clinic, on: nil, as: context) where stay.dischargeOn.map({ $0 < day }) ?? false {
            stay.dischargeOn = day.adding(days: 21)
            if let id = stay.id { _ = try await stays.update(id, stay, as: context) }
        }
    }

    /// Two patients who want an extra session.
    private static func addWaitlist(_ waitlist: RehabWaitlist, wantedBy: CalendarDay) async throws -> Int {
        for (pseudonym, modality, priority) in [("DEMO-R06", "PT", 3), ("DEMO-R09", "HYDRO_GRP", 2)] {
            let index = patients.firstIndex { $0.0 == pseudonym } ?? 0
            _ = try await waitlist.add(
                WaitlistEntry(
                    organisationId: clinic, patientId: patientIDs[index], modality: modality, priority: priority,
                    wantedBy: wantedBy, note: "extra session wanted"), as: context)
        }
        return 2
    }

    /// Marks the week's sessions that ended before `now`: one in twelve a no-show, the rest
    /// attended in full.
    private static func recordAttendance(before now: Date, week: CalendarDay, bookings: RehabSessions) async throws -> Int {
        let timetable = try await bookings.timetable(
            TimetableQuery(clinic: clinic, from: settings.instant(week, ClockTime(clamping: 0)), to: now),
            as: context)
        var recorded = 0
        for entry in timetable where entry.end <= now {
            for participant in entry.participants where !participant.cancelled && participant.attendance == nil {
                recorded += 1
                let record = recorded % 12 == 0 ? AttendanceRecord(attendance: "no_show", note: "unwell") : AttendanceRecord(attendance: "attended")
                _ = try await bookings.recordAttendance(record, session: entry.session, patient: participant.patientId, now: now, as: context)
            }
        }
        return recorded
    }
}
