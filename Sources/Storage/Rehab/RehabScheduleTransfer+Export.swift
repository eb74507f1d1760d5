public import Clinical
public import Foundation
import Postgres
public import Rehabilitation

/// A clinic's week as a `rehab-week/1` instance: the rooms and their hours, the active
/// therapists' shifts less their leave, the patients staying that week with their
/// availability and prescriptions, the modality catalogue and its rules. Sessions already
/// booked that a new plan keeps (booked by hand, in a series, or attended) are planned
/// around: their times leave the therapist's shifts, the patients' availability and a single
/// room's hours, and they count against the prescription. Patients are named by pseudonym,
/// therapists and rooms by code, prescriptions by id.
public struct RehabWeekExport: Sendable {
    /// The instance, as JSON in the format's field names.
    public var document: Data
    /// The same, as the solver reads it.
    public var week: RehabWeek
}

extension RehabScheduleTransfer {
    /// Exports the clinic's week starting on Monday `week`; with `notBefore` (now, when planning
    /// for real), nobody is free before that instant, so no plan books the past.
    public func exportWeek(clinic: UUID, week: CalendarDay, notBefore: Date? = nil, as context: AccessContext) async throws -> RehabWeekExport {
        guard week.weekday == 0 else { throw Refusal.notAMonday }
        return try await sessions.pool.withAccess(context) { connection in
            let export = try await RehabWeekWriter(catalogue: sessions.catalogue, clinic: clinic, week: week, notBefore: notBefore).write(on: connection)
            for patient in export.patients {
                try await AuditLog.record(context.auditEvent(.export, patient: patient, resource: "RehabWeek", resourceID: week.description), on: connection)
            }
            return RehabWeekExport(document: export.document, week: try RehabWeek.decode(export.document))
        }
    }
}

/// Builds the instance document from the clinic's rows.
struct RehabWeekWriter {
    let catalogue: RehabCatalogue
    let clinic: UUID
    let week: CalendarDay
    let notBefore: Date?

    func write(on connection: PostgresConnection) async throws -> (document: Data, patients: [UUID]) {
        let settings = try await ClinicSettings.load(clinic, on: connection)
        let dayCount = settings.saturdaySlots > 0 ? 6 : 5
        let days = (0..<dayCount).map { week.adding(days: $0) }
        let code =
            try await connection.query("SELECT code FROM organisations WHERE id = \(clinic)", prepared: true).first?.decode(String.self) ?? "clinic"
        let grid = Grid(settings: settings)

        let weekStart = settings.instant(week, ClockTime(clamping: 0))
        let weekEnd = settings.instant(week.adding(days: 7), ClockTime(clamping: 0))
        let kept = try await KeptBookings.load(clinic: clinic, from: weekStart, to: weekEnd, now: notBefore, on: connection)
        let past = notBefore.map { [(weekStart, $0)] } ?? []
        let rooms = try await RehabResources.rooms(clinic: clinic, id: nil, on: connection).map { room in
            Instance.Room(
                id: room.code, type: room.type, capacity: room.capacity, maxSessions: room.maxSessions,
                open: days.map {
                    grid.slots(room.hours, on: $0, minus: past + (room.capacity == 1 && room.maxSessions == 1 ? kept.busy[room.id ?? UUID()] ?? [] : []))
                })
        }
        var away = kept.busy
        for row in try await connection.query(
            """
            SELECT therapist_id, lower(during), upper(during) FROM rehab_therapist_leave
            WHERE organisation_id = \(clinic) AND during && tstzrange(\(weekStart), \(weekEnd))
            """, prepared: true)
        {
            let (therapist, start, end) = try row.decode((UUID, Date, Date).self)
            away[therapist, default: []].append((start, end))
        }
        let therapists = try await RehabResources.therapists(clinic: clinic, id: nil, on: connection).filter(\.active).map { therapist in
            let shifts = days.map { grid.slots(therapist.shifts, on: $0, minus: past + (away[therapist.id ?? UUID()] ?? [])) }
            return Instance.Therapist(
                id: therapist.code, skills: therapist.skills, teams: therapist.teams, shifts: shifts,
                maxContactMinutes: shifts.map { windows in
                    windows.reduce(0) { $0 + ($1[1] - $1[0]) } * settings.slotMinutes * settings.contactPercent / 100
                })
        }
        let stays = try await RehabStays.stays(clinic: clinic, during: days[0], through: days[dayCount - 1], id: nil, on: connection)
        // A stored flag the catalogue does not know (written before the vocabulary, or by hand)
        // could hide a contraindication from the planner: the week is not exported until it is corrected.
        for stay in stays {
            if let unknown = catalogue.firstUnknownFlag(in: stay.flags) {
                throw Refusal.invalid(
                    "flags",
                    "the stay of \(stay.pseudonym ?? stay.patientId.uuidString): \(catalogue.unknownFlagMessage(unknown.flag)); "
                        + "correct the stay before planning the week")
            }
        }
        let patients = stays.map { stay in
            let since = stay.daysSinceStroke(on: week)
            let availability = days.map { day -> [[Int]] in
                guard day >= stay.admittedOn, stay.dischargeOn.map({ day <= $0 }) ?? true else { return [] }
                return grid.slots(stay.availability, on: day, minus: past + (kept.busy[stay.patientId] ?? []))
            }
            return Instance.Patient(
                id: stay.pseudonym ?? stay.patientId.uuidString, team: stay.team, setting: stay.setting, strokeType: stay.strokeType.rawValue,
                daysSinceStroke: max(since, 0), priority: catalogue.priority(daysSinceStroke: since), flags: stay.flags,
                maxMinutesPerDay: stay.maxMinutesPerDay,
                minGapSlots: (stay.minGapMinutes + settings.slotMinutes - 1) / settings.slotMinutes,
                timePreference: stay.timePreference, availability: availability)
        }
        let names = Dictionary(
            stays.compactMap { stay in stay.id.map { ($0, stay.pseudonym ?? stay.patientId.uuidString) } }, uniquingKeysWith: { first, _ in first })
        let patientOfStay = Dictionary(stays.compactMap { stay in stay.id.map { ($0, stay.patientId) } }, uniquingKeysWith: { first, _ in first })
        let prescriptions = try await RehabStays.prescriptions(stays: Array(names.keys), during: days[0], through: days[dayCount - 1], on: connection)
            .compactMap { prescription -> Instance.Prescription? in
                guard let patient = names[prescription.stayId], let id = prescription.id else { return nil }
                let booked = kept.sessions[KeptBookings.Key(patient: patientOfStay[prescription.stayId] ?? UUID(), modality: prescription.modality)] ?? 0
                guard prescription.sessionsPerWeek > booked else { return nil }
                return Instance.Prescription(
                    id: id.uuidString, patient: patient, modality: prescription.modality,
                    sessionsPerWeek: prescription.sessionsPerWeek - booked,
                    sessionSlots: (prescription.sessionMinutes + settings.slotMinutes - 1) / settings.slotMinutes,
                    maxPerDay: prescription.maxPerDay)
            }
        let modalities = try catalogue.instanceModalities(slotMinutes: settings.slotMinutes)
        let instance = Instance(
            name: "\(code) week of \(week)",
            timeGrid: .init(
                slotMinutes: settings.slotMinutes, dayStart: settings.dayStart.description, slotsPerDay: settings.weekdaySlots,
                amPmBoundarySlot: settings.amPmBoundarySlot),
            days: days.enumerated().map { index, _ in .init(index: index, name: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][index], weekend: index == 5) },
            modalities: zip(catalogue.modalities, modalities).map { entry, modality in
                .init(
                    id: modality.id, name: entry.name, discipline: entry.discipline, skill: modality.skill, requiresTherapist: modality.requiresTherapist,
                    roomType: modality.roomType, maxGroup: modality.maxGroup, defaultSlots: modality.defaultSlots,
                    restAfterSlots: modality.restAfterSlots, teamRestricted: modality.teamRestricted, minDaysAfterStroke: modality.minDaysAfterStroke)
            },
            // Precautions warn at booking; only contraindications bind the planner.
            contraindicationRules: catalogue.bindingRules.map { .init(flag: $0.flag, modalities: $0.modalities, note: $0.note) },
            sameDayExclusive: catalogue.sameDayExclusive.map(\.modalities),
            rooms: rooms, therapists: therapists, patients: patients, prescriptions: prescriptions, weights: catalogue.planningWeights)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try encoder.encode(instance), stays.map(\.patientId))
    }

    /// The week's bookings a new plan keeps: every active session but those of earlier plans
    /// that have not started (before `now`) and nobody attended (publishing a plan replaces them).
    struct KeptBookings {
        struct Key: Hashable {
            var patient: UUID
            var modality: String
        }

        /// Busy times by therapist, patient and room id.
        var busy: [UUID: [(Date, Date)]] = [:]
        /// Sessions booked per patient and modality.
        var sessions: [Key: Int] = [:]

        static func load(clinic: UUID, from: Date, to: Date, now: Date?, on connection: PostgresConnection) async throws -> KeptBookings {
            var kept = KeptBookings()
            for row in try await connection.query(
                """
                SELECT s.therapist_id, s.room_id, lower(s.during), upper(s.during), s.modality,
                       ARRAY(SELECT p.patient_id FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL)
                FROM rehab_sessions s
                WHERE s.organisation_id = \(clinic) AND s.cancelled_at IS NULL
                  AND s.starts_at >= \(from.addingTimeInterval(-12 * 3_600)) AND s.starts_at < \(to) AND s.ends_at > \(from)
                  AND (s.plan_id IS NULL OR s.starts_at < \(now ?? .distantPast)
                       OR EXISTS (SELECT 1 FROM rehab_participants p WHERE p.session_id = s.id AND p.attendance IS NOT NULL))
                """, prepared: true)
            {
                let (therapist, room, start, end, modality, patients) = try row.decode((UUID?, UUID, Date, Date, String, [UUID]).self)
                let span = (start, end)
                if let therapist { kept.busy[therapist, default: []].append(span) }
                kept.busy[room, default: []].append(span)
                for patient in patients {
                    kept.busy[patient, default: []].append(span)
                    kept.sessions[Key(patient: patient, modality: modality), default: 0] += 1
                }
            }
            return kept
        }
    }

    /// The clinic's grid: local times of a day as slot windows.
    struct Grid {
        let settings: ClinicSettings

        /// The windows of `day`'s week day as `[start, end)` slots within the day's grid,
        /// less the parts covered by `away` (leave); partial slots are dropped.
        func slots(_ windows: [WeeklyWindow], on day: CalendarDay, minus away: [(Date, Date)]) -> [[Int]] {
            let count = settings.slots(onWeekday: day.weekday)
            var free = Array(repeating: false, count: count)
            for window in windows where window.weekday == day.weekday {
                let first = max(0, (window.start.minutes - settings.dayStart.minutes + settings.slotMinutes - 1) / settings.slotMinutes)
                let last = min(count, (window.end.minutes - settings.dayStart.minutes) / settings.slotMinutes)
                if first < last { for slot in first..<last { free[slot] = true } }
            }
            for (from, to) in away {
                for slot in 0..<count where free[slot] {
                    let start = settings.instant(day, ClockTime(clamping: settings.dayStart.minutes + slot * settings.slotMinutes))
                    if start < to && start.addingTimeInterval(Double(settings.slotMinutes) * 60) > from { free[slot] = false }
                }
            }
            var result: [[Int]] = []
            var slot = 0
            while slot < count {
                guard free[slot] else {
                    slot += 1
                    continue
                }
                let start = slot
                while slot < count && free[slot] { slot += 1 }
                result.append([start, slot])
            }
            return result
        }
    }

    /// The `rehab-week/1` document, field for field.
    struct Instance: Encodable {
        struct TimeGrid: Encodable { var slotMinutes: Int, dayStart: String, slotsPerDay: Int, amPmBoundarySlot: Int }
        struct Day: Encodable { var index: Int, name: String, weekend: Bool }
        struct Modality: Encodable {
            var id: String, name: String, discipline: String, skill: String?, requiresTherapist: Bool, roomType: String, maxGroup: Int
            var defaultSlots: Int, restAfterSlots: Int, teamRestricted: Bool, minDaysAfterStroke: [String: Int]
        }
        struct Rule: Encodable { var flag: String, modalities: [String], note: String }
        struct Room: Encodable { var id: String, type: String, capacity: Int, maxSessions: Int, open: [[[Int]]] }
        struct Therapist: Encodable { var id: String, skills: [String], teams: [Int], shifts: [[[Int]]], maxContactMinutes: [Int] }
        struct Patient: Encodable {
            var id: String, team: Int, setting: String, strokeType: String, daysSinceStroke: Int, priority: Int, flags: [String]
            var maxMinutesPerDay: Int, minGapSlots: Int, timePreference: String, availability: [[[Int]]]
        }
        struct Prescription: Encodable { var id: String, patient: String, modality: String, sessionsPerWeek: Int, sessionSlots: Int, maxPerDay: Int }

        var format = "rehab-week/1"
        var name: String
        var timeGrid: TimeGrid
        var days: [Day]
        var modalities: [Modality]
        var contraindicationRules: [Rule]
        var sameDayExclusive: [[String]]
        var rooms: [Room]
        var therapists: [Therapist]
        var patients: [Patient]
        var prescriptions: [Prescription]
        var weights: RehabWeek.Weights
    }
}
