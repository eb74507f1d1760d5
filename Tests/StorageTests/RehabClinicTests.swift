import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Seed
import Storage
import Testing

/// The clinic's week leaves the database as a `rehab-week/1` instance and a solved schedule
/// comes back as bookings, all or nothing; attendance feeds the dose report.
@Suite struct RehabClinicTests {
    static let context = DemoClinicFixture.coordinator

    @Test func exportSolveImportRoundTrip() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let bookings = RehabSessions(pool: pool, catalogue: catalogue)
                let export = try await RehabScheduleTransfer(sessions: bookings).exportWeek(
                    clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, as: Self.context)
                #expect(export.week.patients.count == 16)
                #expect(export.week.therapists.count == 9)
                #expect(export.week.days.count == 6)
                let result = try WeeklySolver(week: export.week).solve(.init(seconds: 5, seed: 1, threads: 1, epochs: 2))
                #expect(ScheduleScorer(week: export.week).score(result.rows.map(ScheduleScorer.Row.init)).feasible)
                let imported = try await RehabScheduleTransfer(sessions: bookings).importSchedule(
                    result.rows, clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week,
                    replace: false, as: Self.context)
                #expect(result.rows.count > 100)
                #expect(imported.participants == result.rows.count)

                let timetable = try await bookings.timetable(
                    TimetableQuery(
                        clinic: DemoClinicFixture.clinic, from: DemoClinicFixture.at(day: 0, "00:00"),
                        to: DemoClinicFixture.at(day: 7, "00:00")), as: Self.context)
                #expect(Set(DemoClinicFixture.rows(timetable, week: DemoClinicFixture.week)) == Set(result.rows), "the bookings are the schedule")
                // Importing it again clashes with itself and changes nothing.
                await #expect(throws: Refusal.self) {
                    try await RehabScheduleTransfer(sessions: bookings).importSchedule(
                        result.rows, clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, replace: false,
                        as: Self.context)
                }
                let again = try await bookings.timetable(
                    TimetableQuery(
                        clinic: DemoClinicFixture.clinic, from: DemoClinicFixture.at(day: 0, "00:00"),
                        to: DemoClinicFixture.at(day: 7, "00:00")), as: Self.context)
                #expect(again.count == timetable.count)
            }
        }
    }

    @Test func attendanceFeedsTheDoseReport() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let bookings = RehabSessions(pool: pool, catalogue: catalogue)
                let resources = RehabResources(pool: pool)
                let therapist = try await resources.therapists(clinic: DemoClinicFixture.clinic, as: Self.context).first { $0.code == "T07" }?.id
                let room = try await resources.rooms(clinic: DemoClinicFixture.clinic, as: Self.context).first { $0.code == "SPR1" }?.id ?? UUID()
                let patient = DemoClinicFixture.patient("DEMO-R02")
                var sessions: [UUID] = []
                for day in 0..<4 {
                    let start = DemoClinicFixture.at(day: day, "09:00")
                    sessions.append(
                        try await bookings.book(
                            RehabBookingRequest(
                                organisation: DemoClinicFixture.clinic, modality: "SLT", therapist: therapist,
                                room: room, start: start, end: start + 1_800, patients: [patient]),
                            as: Self.context
                        ).session)
                }
                let later = DemoClinicFixture.at(day: 10, "00:00")
                #expect(
                    try await bookings.recordAttendance(
                        AttendanceRecord(attendance: "attended"), session: sessions[0], patient: patient, now: later,
                        as: Self.context))
                #expect(
                    try await bookings.recordAttendance(
                        AttendanceRecord(attendance: "attended", minutesDelivered: 20), session: sessions[1],
                        patient: patient, now: later, as: Self.context))
                #expect(
                    try await bookings.recordAttendance(
                        AttendanceRecord(attendance: "no_show", note: "unwell"), session: sessions[2],
                        patient: patient, now: later, as: Self.context))
                await #expect(throws: Refusal.self) {
                    try await bookings.recordAttendance(
                        AttendanceRecord(attendance: "attended"), session: sessions[3], patient: patient,
                        now: DemoClinicFixture.at(day: 0, "08:00"), as: Self.context)
                }
                await #expect(throws: Refusal.self) {
                    try await bookings.recordAttendance(
                        AttendanceRecord(attendance: "no_show", minutesDelivered: 5), session: sessions[3], patient: patient,
                        now: later, as: Self.context)
                }
                await #expect(throws: Refusal.attendanceRecorded, "a session that happened is not cancelled") {
                    try await bookings.cancel(sessions[0], reason: "entered in error", as: Self.context)
                }
                let dose = try #require(
                    try await bookings.dose(
                        patient: patient, from: DemoClinicFixture.week, to: DemoClinicFixture.week.adding(days: 6),
                        as: Self.context))
                let slt = try #require(dose.modalities.first { $0.modality == "SLT" })
                #expect(slt.prescribedMinutes == 150)
                #expect(slt.bookedMinutes == 120)
                #expect(slt.deliveredMinutes == 50)
                #expect(slt.attended == 2 && slt.noShows == 1)
                let aphasia = try #require(dose.targets.first { $0.target == "se-aphasia-4h" })
                #expect(aphasia.requiredMinutes == 240 && aphasia.deliveredMinutes == 50 && !aphasia.met)
            }
        }
    }

    /// A stay is for the clinic's own patient or one transferred to it, not for one seen only
    /// through break-glass or not at all.
    @Test func aStayNeedsTheClinicsPatientOrATransfer() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let stays = RehabStays(pool: pool, catalogue: catalogue)
                let hospital = DemoData.organisations.first { $0.kind == "hospital" }?.id ?? UUID()
                let patient = DemoData.patients[0]
                let stay = RehabStay(
                    organisationId: DemoClinicFixture.clinic, patientId: patient, setting: "inpatient", strokeDate: DemoClinicFixture.week.adding(days: -20),
                    strokeType: .ischaemic, team: 0, flags: [], maxMinutesPerDay: 180, minGapMinutes: 0, timePreference: "none",
                    admittedOn: DemoClinicFixture.week.adding(days: -3), dischargeOn: nil, availability: [])
                await #expect(throws: Refusal.unknownPatient) { try await stays.create(stay, as: Self.context) }
                try await pool.withAccess(AccessContext(subject: "ward", role: "clinician", organisations: [hospital])) { connection in
                    try await connection.query(
                        """
                        INSERT INTO care_relationships (organisation_id, patient_id, granted_by, kind) VALUES (\(DemoClinicFixture.clinic), \(patient), \(hospital), 'transfer')
                        """)
                }
                let admitted = try await stays.create(stay, as: Self.context)
                #expect(admitted.id != nil)
                await #expect(throws: (any Error).self, "one stay at a time") { try await stays.create(stay, as: Self.context) }
            }
        }
    }

    /// Local clock times on a daylight-saving day are clock times.
    @Test func localTimesOnADaylightSavingDay() throws {
        let settings = DemoClinic.settings
        let spring = try #require(CalendarDay("2026-03-29"))
        #expect(settings.instant(spring, ClockTime(clamping: 600)) == (try Date("2026-03-29T08:00:00Z", strategy: .iso8601)))
        #expect(settings.instant(spring, ClockTime(clamping: 60)) == (try Date("2026-03-29T00:00:00Z", strategy: .iso8601)))
        #expect(settings.local(settings.instant(spring, ClockTime(clamping: 600))).minutes == 600)
        #expect(settings.instant(spring, ClockTime(clamping: 1_440)) == settings.instant(spring.adding(days: 1), ClockTime(clamping: 0)))
    }
}
