import Foundation
import OrderedCollections

/// The validator and scorer of `rehab-week/1` schedules, agreeing with the normative
/// bench/rehab/score.py on every schedule (tested on its baselines, its mutation tests and
/// random perturbations): the same hard-constraint counts, soft terms and objective.
///
/// A schedule row is `{patient, modality, therapist|null, room, day, start, length}`; rows of
/// a group modality sharing (modality, therapist, room, day, start) are one session.
public struct ScheduleScorer: Sendable {
    let week: RehabWeek
    private let modalities: [String: RehabWeek.Modality]
    private let patients: [String: RehabWeek.Patient]
    private let therapists: [String: RehabWeek.Therapist]
    private let rooms: [String: RehabWeek.Room]
    private let prescriptions: [Pair: RehabWeek.Prescription]
    private let forbidden: [String: Set<String>]
    private let dailyTarget: DailyTarget?

    struct Pair: Hashable {
        var patient: String
        var modality: String
    }

    /// - Parameters:
    ///   - week: the instance.
    ///   - dailyTarget: the catalogue's daily intensity target, for the KPI
    ///     `patient_weekdays_at_daily_target` (nil: the KPIs are score.py's alone).
    public init(week: RehabWeek, dailyTarget: DailyTarget? = nil) {
        self.week = week
        self.dailyTarget = dailyTarget
        modalities = Dictionary(week.modalities.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        patients = Dictionary(week.patients.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        therapists = Dictionary(week.therapists.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        rooms = Dictionary(week.rooms.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        prescriptions = Dictionary(week.prescriptions.map { (Pair(patient: $0.patient, modality: $0.modality), $0) }, uniquingKeysWith: { $1 })
        var forbidden: [String: Set<String>] = [:]
        for rule in week.contraindicationRules { forbidden[rule.flag, default: []].formUnion(rule.modalities) }
        self.forbidden = forbidden
    }

    /// One row as the schedule file has it; fields may be missing or of the wrong type.
    public struct Row: Sendable {
        public var patient: String?
        public var modality: String?
        /// nil: no therapist; `.some(nil)`: a therapist value that is not text.
        public var therapist: String??
        public var room: String?
        public var day: Int?
        public var start: Int?
        public var length: Int?
    }

    private final class Session {
        let modality: String, therapist: String?, room: String, day: Int, start: Int, length: Int
        var end: Int { start + length }
        var patients: [String] = []

        init(modality: String, therapist: String?, room: String, day: Int, start: Int, length: Int) {
            self.modality = modality
            self.therapist = therapist
            self.room = room
            self.day = day
            self.start = start
            self.length = length
        }
    }

    private struct Occurrence {
        var patient: String, modality: String, day: Int, start: Int, end: Int, length: Int
        var session: Session
    }

    private struct GroupKey: Hashable {
        var modality: String, therapist: String?, room: String, day: Int, start: Int
    }

    private static func inside(_ windows: [[Int]], _ start: Int, _ end: Int) -> Bool {
        windows.contains { $0.count == 2 && $0[0] <= start && end <= $0[1] }
    }

    private static func windows(_ all: RehabWeek.Windows, _ day: Int) -> [[Int]] {
        day < all.count ? all[day] : []
    }

    /// Scores the rows; `details` examples per violation kind are kept, worded as score.py
    /// words them.
    public func score(_ rows: [Row], details: Int = 3) -> ScheduleScore {
        let grid = week.timeGrid
        let dayCount = week.days.count
        var hard: [String: Int] = [:]
        var examples: [String: [String]] = [:]
        func bad(_ kind: String, _ count: Int = 1, _ example: @autoclosure () -> String) {
            hard[kind, default: 0] += count
            if examples[kind, default: []].count < details { examples[kind, default: []].append(example()) }
        }

        // Rows.
        var valid: [(index: Int, patient: String, modality: String, therapist: String?, room: String, day: Int, start: Int, length: Int)] = []
        for (index, row) in rows.enumerated() {
            guard let patient = row.patient, let modality = row.modality, let room = row.room,
                let day = row.day, let start = row.start, let length = row.length
            else {
                bad("bad_reference", 1, "row \(index): missing/invalid field")
                continue
            }
            // A therapist value that is not text is an unknown id, as in score.py.
            if case .some(nil) = row.therapist {
                bad("bad_reference", 1, "row \(index): unknown id in \(Self.python(row))")
                continue
            }
            let therapist = row.therapist ?? nil
            guard patients[patient] != nil, modalities[modality] != nil, rooms[room] != nil, therapist.map({ therapists[$0] != nil }) ?? true else {
                bad("bad_reference", 1, "row \(index): unknown id in \(Self.python(row))")
                continue
            }
            // Compared without adding, so that huge values cannot overflow.
            guard (0..<dayCount).contains(day), start >= 0, length > 0, start <= grid.slotsPerDay, length <= grid.slotsPerDay - start else {
                bad("outside_grid", 1, "row \(index): day/start/length out of grid \(Self.python(row))")
                continue
            }
            valid.append((index, patient, modality, therapist, room, day, start, length))
        }

        // Sessions.
        var sessions: [Session] = []
        var groups: [GroupKey: Session] = [:]
        for row in valid {
            guard let modality = modalities[row.modality] else { continue }
            if modality.maxGroup > 1 {
                let key = GroupKey(modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start)
                if let group = groups[key] {
                    if row.length != group.length {
                        bad(
                            "wrong_length", 1,
                            "row \(row.index): length differs inside group ('\(row.modality)', \(Self.python(row.therapist)), '\(row.room)', \(row.day), \(row.start))"
                        )
                    }
                    group.patients.append(row.patient)
                } else {
                    let group = Session(modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start, length: row.length)
                    group.patients.append(row.patient)
                    groups[key] = group
                    sessions.append(group)
                }
            } else {
                let session = Session(modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start, length: row.length)
                session.patients.append(row.patient)
                sessions.append(session)
            }
        }

        var occurrences: [Occurrence] = []
        for session in sessions {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for patient in session.patients {
                if counts[patient] == nil { order.append(patient) }
                counts[patient, default: 0] += 1
            }
            for patient in order where (counts[patient] ?? 0) > 1 {
                let count = counts[patient] ?? 1
                bad("duplicate_in_group", count - 1, "\(patient) listed \(count)x in \(session.modality) d\(session.day) s\(session.start)")
            }
            for patient in order {
                occurrences.append(
                    Occurrence(
                        patient: patient, modality: session.modality, day: session.day, start: session.start,
                        end: session.end, length: session.length, session: session))
            }
        }

        // Session checks.
        for session in sessions {
            guard let modality = modalities[session.modality], let room = rooms[session.room] else { continue }
            let distinct = Set(session.patients).count
            let at = "\(session.modality) d\(session.day) s\(session.start)"
            if distinct > modality.maxGroup { bad("group_size", distinct - modality.maxGroup, "\(at): \(distinct) > \(modality.maxGroup)") }
            if modality.requiresTherapist != (session.therapist != nil) { bad("therapist_field", 1, "\(at): therapist=\(session.therapist ?? "None")") }
            if let id = session.therapist, let therapist = therapists[id] {
                if modality.requiresTherapist, !therapist.skills.contains(modality.skill ?? "") {
                    bad("qualification", 1, "\(id) lacks \(modality.skill ?? "None") for \(session.modality)")
                }
                if modality.teamRestricted {
                    for patient in Self.unique(session.patients) where !therapist.teams.contains(patients[patient]?.team ?? -1) {
                        bad("team", 1, "\(id) not in team \(patients[patient]?.team ?? -1) of \(patient)")
                    }
                }
                if !Self.inside(Self.windows(therapist.shifts, session.day), session.start, session.end) {
                    bad("therapist_unavailable", 1, "\(id) d\(session.day) [\(session.start),\(session.end))")
                }
            }
            if room.type != modality.roomType { bad("room_type", 1, "\(session.room) is \(room.type), \(session.modality) needs \(modality.roomType)") }
            if !Self.inside(Self.windows(room.open, session.day), session.start, session.end) {
                bad("room_closed", 1, "\(session.room) d\(session.day) [\(session.start),\(session.end))")
            }
        }

        // Therapist overlap and contact time.
        struct TherapistDay: Hashable { var therapist: String, day: Int }
        var byTherapist: OrderedDictionary<TherapistDay, [Session]> = [:]
        for session in sessions {
            if let therapist = session.therapist { byTherapist[TherapistDay(therapist: therapist, day: session.day), default: []].append(session) }
        }
        for (key, list) in byTherapist {
            let id = key.therapist
            let day = key.day
            let sorted = list.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
            for i in sorted.indices {
                for j in (i + 1)..<sorted.count {
                    if sorted[j].start >= sorted[i].end { break }
                    bad("therapist_overlap", 1, "\(id) d\(day): \(sorted[i].modality)@\(sorted[i].start) vs \(sorted[j].modality)@\(sorted[j].start)")
                }
            }
            let minutes = sorted.reduce(0) { $0 + $1.length } * grid.slotMinutes
            let limit = therapists[id].map { day < $0.maxContactMinutes.count ? $0.maxContactMinutes[day] : 0 } ?? 0
            if minutes > limit { bad("therapist_contact_max", 1, "\(id) d\(day): \(minutes) > \(limit)") }
        }

        // Room capacity, slot by slot.
        struct Slot: Hashable { var room: String, day: Int, slot: Int }
        var load: [Slot: (sessions: Int, patients: Int)] = [:]
        for session in sessions {
            let distinct = Set(session.patients).count
            for slot in session.start..<session.end {
                let key = Slot(room: session.room, day: session.day, slot: slot)
                let current = load[key] ?? (0, 0)
                load[key] = (current.sessions + 1, current.patients + distinct)
            }
        }
        for key in load.keys.sorted(by: { ($0.room, $0.day, $0.slot) < ($1.room, $1.day, $1.slot) }) {
            guard let room = rooms[key.room], let value = load[key] else { continue }
            if value.sessions > room.maxSessions || value.patients > room.capacity {
                bad("room_capacity", 1, "\(key.room) d\(key.day) slot \(key.slot): \(value.sessions) sessions, \(value.patients) patients")
            }
        }

        // Patient checks.
        struct PatientDay: Hashable { var patient: String, day: Int }
        struct PatientModalityDay: Hashable { var pair: Pair, day: Int }
        var byPatientDay: OrderedDictionary<PatientDay, [Occurrence]> = [:]
        var countByPair: OrderedDictionary<Pair, Int> = [:]
        var countByPairDay: OrderedDictionary<PatientModalityDay, Int> = [:]
        for occurrence in occurrences {
            guard let patient = patients[occurrence.patient], let modality = modalities[occurrence.modality] else { continue }
            byPatientDay[PatientDay(patient: occurrence.patient, day: occurrence.day), default: []].append(occurrence)
            let pair = Pair(patient: occurrence.patient, modality: occurrence.modality)
            if let prescription = prescriptions[pair] {
                if occurrence.length != prescription.sessionSlots {
                    bad("wrong_length", 1, "\(occurrence.patient) \(occurrence.modality): length \(occurrence.length) != \(prescription.sessionSlots)")
                }
                countByPair[pair, default: 0] += 1
                countByPairDay[PatientModalityDay(pair: pair, day: occurrence.day), default: 0] += 1
            } else {
                bad("not_prescribed", 1, "\(occurrence.patient) has no \(occurrence.modality) prescription")
            }
            if !Self.inside(Self.windows(patient.availability, occurrence.day), occurrence.start, occurrence.end) {
                bad("patient_unavailable", 1, "\(occurrence.patient) d\(occurrence.day) [\(occurrence.start),\(occurrence.end))")
            }
            for flag in patient.flags where forbidden[flag]?.contains(occurrence.modality) == true {
                bad("contraindication", 1, "\(occurrence.patient) flag \(flag) forbids \(occurrence.modality)")
            }
            let need = modality.minDaysAfterStroke[patient.strokeType] ?? 0
            if patient.daysSinceStroke + occurrence.day < need {
                bad(
                    "too_early_after_stroke", 1,
                    "\(occurrence.patient) \(occurrence.modality) day \(occurrence.day): \(patient.daysSinceStroke + occurrence.day) < \(need)")
            }
        }
        for (pair, count) in countByPair {
            let allowed = prescriptions[pair]?.sessionsPerWeek ?? 0
            if count > allowed { bad("over_prescribed", count - allowed, "\(pair.patient) \(pair.modality): \(count) > \(allowed)") }
        }
        for (key, count) in countByPairDay {
            let allowed = prescriptions[key.pair]?.maxPerDay ?? 0
            if count > allowed {
                bad("over_daily_modality", count - allowed, "\(key.pair.patient) \(key.pair.modality) d\(key.day): \(count) > \(allowed)")
            }
        }
        for (key, list) in byPatientDay {
            guard let patient = patients[key.patient] else { continue }
            let sorted = list.enumerated().sorted { ($0.element.start, $0.element.end, $0.offset) < ($1.element.start, $1.element.end, $1.offset) }.map(
                \.element)
            let minutes = sorted.reduce(0) { $0 + $1.length } * grid.slotMinutes
            if minutes > patient.maxMinutesPerDay { bad("patient_daily_max", 1, "\(key.patient) d\(key.day): \(minutes) > \(patient.maxMinutesPerDay)") }
            for i in sorted.indices {
                for j in (i + 1)..<sorted.count {
                    if sorted[j].start >= sorted[i].end { break }
                    bad(
                        "patient_overlap", 1, "\(key.patient) d\(key.day): \(sorted[i].modality)@\(sorted[i].start) vs \(sorted[j].modality)@\(sorted[j].start)"
                    )
                }
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start >= a.end {
                let need = max(patient.minGapSlots, modalities[a.modality]?.restAfterSlots ?? 0)
                if b.start - a.end < need {
                    bad("patient_gap", 1, "\(key.patient) d\(key.day): \(a.modality) ends \(a.end), \(b.modality) starts \(b.start), need \(need)")
                }
            }
            let today = Set(sorted.map(\.modality))
            for pair in week.sameDayExclusive where pair.count == 2 && today.contains(pair[0]) && today.contains(pair[1]) {
                bad("same_day_exclusive", 1, "\(key.patient) d\(key.day): \(pair[0]) and \(pair[1])")
            }
        }

        // Soft terms.
        var soft: [String: Int] = [:]
        var unmet = 0
        for prescription in week.prescriptions {
            let delivered = min(prescription.sessionsPerWeek, countByPair[Pair(patient: prescription.patient, modality: prescription.modality)] ?? 0)
            let priority = patients[prescription.patient]?.priority ?? 0
            unmet += priority * (prescription.sessionsPerWeek - delivered) * prescription.sessionSlots * grid.slotMinutes
        }
        soft["unmet_minutes"] = unmet
        var minutesByDay: [PatientDay: Int] = [:]
        for (key, list) in byPatientDay { minutesByDay[key] = list.reduce(0) { $0 + $1.length } * grid.slotMinutes }
        var imbalance = 0
        var idle = 0
        for patient in week.patients {
            let weekdays = (0..<dayCount).filter { !week.days[$0].weekend && !Self.windows(patient.availability, $0).isEmpty }
            if !weekdays.isEmpty {
                let values = weekdays.map { minutesByDay[PatientDay(patient: patient.id, day: $0)] ?? 0 }
                imbalance += (values.max() ?? 0) - (values.min() ?? 0)
            }
            if patient.setting == "outpatient" {
                for day in 0..<dayCount {
                    guard let list = byPatientDay[PatientDay(patient: patient.id, day: day)], !list.isEmpty else { continue }
                    let span = (list.map(\.end).max() ?? 0) - (list.map(\.start).min() ?? 0)
                    idle += (span - list.reduce(0) { $0 + $1.length }) * grid.slotMinutes
                }
            }
        }
        soft["daily_imbalance_minutes"] = imbalance
        soft["outpatient_idle_minutes"] = idle
        var therapistsUsed: [Pair: Set<String>] = [:]
        for occurrence in occurrences {
            guard let modality = modalities[occurrence.modality], modality.maxGroup == 1, modality.requiresTherapist,
                let therapist = occurrence.session.therapist
            else { continue }
            therapistsUsed[Pair(patient: occurrence.patient, modality: occurrence.modality), default: []].insert(therapist)
        }
        soft["extra_therapists"] = therapistsUsed.values.reduce(0) { $0 + max(0, $1.count - 1) }
        soft["time_preference_violations"] =
            occurrences.filter { occurrence in
                let preference = patients[occurrence.patient]?.timePreference
                return (preference == "am" && occurrence.start >= grid.amPmBoundarySlot) || (preference == "pm" && occurrence.start < grid.amPmBoundarySlot)
            }.count
        soft["weekend_sessions"] = occurrences.filter { week.days[$0.day].weekend }.count

        let objective = ScheduleScore.softTerms.reduce(0) { $0 + week.weights.weight(of: $1) * (soft[$1] ?? 0) }
        var counts: [String: Int] = [:]
        for kind in ScheduleScore.hardKinds { counts[kind] = hard[kind] ?? 0 }
        // KPIs, reported besides the objective.
        var kpi: [String: Double] = [:]
        kpi["sessions"] = Double(sessions.count)
        kpi["patient_sessions"] = Double(occurrences.count)
        var prescribed = 0
        var delivered = 0
        for prescription in week.prescriptions {
            let wanted = prescription.sessionsPerWeek
            let got = min(wanted, countByPair[Pair(patient: prescription.patient, modality: prescription.modality)] ?? 0)
            prescribed += wanted * prescription.sessionSlots * grid.slotMinutes
            delivered += got * prescription.sessionSlots * grid.slotMinutes
        }
        kpi["prescribed_minutes"] = Double(prescribed)
        kpi["delivered_minutes"] = Double(delivered)
        kpi["delivered_fraction"] = prescribed > 0 ? Self.round(Double(delivered) / Double(prescribed), 4) : 1
        // score.py's bench KPI counts every modality's minutes against its own 180 (kept for
        // agreement with it); the clinical one counts the catalogue target's disciplines only.
        var weekdays = 0
        var full = 0
        var atTarget = 0
        for patient in week.patients {
            for day in 0..<dayCount where !week.days[day].weekend && !Self.windows(patient.availability, day).isEmpty {
                weekdays += 1
                let key = PatientDay(patient: patient.id, day: day)
                if (minutesByDay[key] ?? 0) >= 180 { full += 1 }
                if let dailyTarget {
                    let minutes =
                        (byPatientDay[key] ?? []).filter { dailyTarget.modalities.contains($0.modality) }.reduce(0) { $0 + $1.length } * grid.slotMinutes
                    if minutes >= dailyTarget.minutesPerDay { atTarget += 1 }
                }
            }
        }
        kpi["patient_weekdays_ge_180min"] = Double(full)
        if dailyTarget != nil { kpi[DailyTarget.kpiName] = Double(atTarget) }
        kpi["patient_weekdays"] = Double(weekdays)
        let contact = sessions.filter { $0.therapist != nil }.reduce(0) { $0 + $1.length } * grid.slotMinutes
        let capacity = week.therapists.reduce(0) { $0 + $1.maxContactMinutes.reduce(0, +) }
        kpi["therapist_contact_minutes"] = Double(contact)
        kpi["therapist_contact_capacity"] = Double(capacity)
        kpi["therapist_utilisation"] = capacity > 0 ? Self.round(Double(contact) / Double(capacity), 4) : 0
        let groupSessions = sessions.filter { (modalities[$0.modality]?.maxGroup ?? 1) > 1 }
        let groupPatients: Int = groupSessions.reduce(0) { $0 + Set($1.patients).count }
        kpi["group_sessions"] = Double(groupSessions.count)
        kpi["mean_group_size"] = Self.round(Double(groupPatients) / Double(max(1, groupSessions.count)), 2)
        return ScheduleScore(hard: counts, soft: soft, objective: objective, kpi: kpi, examples: examples)
    }

    /// A row as Python prints the dict score.py read (fields in the file format's order).
    private static func python(_ row: Row) -> String {
        func text(_ value: String?) -> String { value.map { "'\($0)'" } ?? "None" }
        let therapist: String
        switch row.therapist {
        case .none: therapist = "None"
        case .some(.none): therapist = "<not text>"
        case .some(.some(let id)): therapist = "'\(id)'"
        }
        return "{'patient': \(text(row.patient)), 'modality': \(text(row.modality)), 'therapist': \(therapist), 'room': \(text(row.room)), "
            + "'day': \(row.day.map(String.init) ?? "None"), 'start': \(row.start.map(String.init) ?? "None"), 'length': \(row.length.map(String.init) ?? "None")}"
    }

    private static func python(_ value: String?) -> String { value.map { "'\($0)'" } ?? "None" }

    /// The distinct values in first-seen order (Python's iteration of a small set is not
    /// promised; first-seen is stable).
    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// Python's `round(value, digits)`: the exact binary value rounded to decimal digits.
    private static func round(_ value: Double, _ digits: Int) -> Double {
        Double(String(format: "%.\(digits)f", value)) ?? value
    }
}

extension ScheduleScorer.Row {
    /// A typed schedule row as the file would hold it.
    public init(_ row: ScheduleRow) {
        self.init(
            patient: row.patient, modality: row.modality, therapist: row.therapist.map { .some($0) }, room: row.room,
            day: row.day, start: row.start, length: row.length)
    }
}
