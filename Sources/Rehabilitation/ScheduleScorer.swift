import Foundation

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

    struct Pair: Hashable {
        var patient: String
        var modality: String
    }

    public init(week: RehabWeek) {
        self.week = week
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

        public init(patient: String?, modality: String?, therapist: String??, room: String?, day: Int?, start: Int?, length: Int?) {
            self.patient = patient
            self.modality = modality
            self.therapist = therapist
            self.room = room
            self.day = day
            self.start = start
            self.length = length
        }
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

    public func score(_ rows: [Row]) -> ScheduleScore {
        let grid = week.timeGrid
        let dayCount = week.days.count
        var hard: [String: Int] = [:]
        func bad(_ kind: String, _ count: Int = 1) { hard[kind, default: 0] += count }

        // Rows.
        var valid: [(patient: String, modality: String, therapist: String?, room: String, day: Int, start: Int, length: Int)] = []
        for row in rows {
            guard let patient = row.patient, let modality = row.modality, let room = row.room,
                  let day = row.day, let start = row.start, let length = row.length else {
                bad("bad_reference")
                continue
            }
            // A therapist value that is not text is an unknown id, as in score.py.
            if case .some(nil) = row.therapist {
                bad("bad_reference")
                continue
            }
            let therapist = row.therapist ?? nil
            guard patients[patient] != nil, modalities[modality] != nil, rooms[room] != nil, therapist.map({ therapists[$0] != nil }) ?? true else {
                bad("bad_reference")
                continue
            }
            // Compared without adding, so that huge values cannot overflow.
            guard (0..<dayCount).contains(day), start >= 0, length > 0, start <= grid.slotsPerDay, length <= grid.slotsPerDay - start else {
                bad("outside_grid")
                continue
            }
            valid.append((patient, modality, therapist, room, day, start, length))
        }

        // Sessions.
        var sessions: [Session] = []
        var groups: [GroupKey: Session] = [:]
        for row in valid {
            guard let modality = modalities[row.modality] else { continue }
            if modality.maxGroup > 1 {
                let key = GroupKey(modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start)
                if let group = groups[key] {
                    if row.length != group.length { bad("wrong_length") }
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
            for patient in order where (counts[patient] ?? 0) > 1 { bad("duplicate_in_group", (counts[patient] ?? 1) - 1) }
            for patient in order {
                occurrences.append(Occurrence(patient: patient, modality: session.modality, day: session.day, start: session.start,
                                              end: session.end, length: session.length, session: session))
            }
        }

        // Session checks.
        for session in sessions {
            guard let modality = modalities[session.modality], let room = rooms[session.room] else { continue }
            let distinct = Set(session.patients).count
            if distinct > modality.maxGroup { bad("group_size", distinct - modality.maxGroup) }
            if modality.requiresTherapist != (session.therapist != nil) { bad("therapist_field") }
            if let id = session.therapist, let therapist = therapists[id] {
                if modality.requiresTherapist, !therapist.skills.contains(modality.skill ?? "") { bad("qualification") }
                if modality.teamRestricted {
                    for patient in Set(session.patients) where !therapist.teams.contains(patients[patient]?.team ?? -1) { bad("team") }
                }
                if !Self.inside(Self.windows(therapist.shifts, session.day), session.start, session.end) { bad("therapist_unavailable") }
            }
            if room.type != modality.roomType { bad("room_type") }
            if !Self.inside(Self.windows(room.open, session.day), session.start, session.end) { bad("room_closed") }
        }

        // Therapist overlap and contact time.
        var byTherapist: [String: [Int: [Session]]] = [:]
        for session in sessions {
            if let therapist = session.therapist { byTherapist[therapist, default: [:]][session.day, default: []].append(session) }
        }
        for (id, days) in byTherapist {
            for (day, list) in days {
                let sorted = list.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
                for i in sorted.indices {
                    for j in (i + 1)..<sorted.count {
                        if sorted[j].start >= sorted[i].end { break }
                        bad("therapist_overlap")
                    }
                }
                let minutes = sorted.reduce(0) { $0 + $1.length } * grid.slotMinutes
                let limit = therapists[id].map { day < $0.maxContactMinutes.count ? $0.maxContactMinutes[day] : 0 } ?? 0
                if minutes > limit { bad("therapist_contact_max") }
            }
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
        for (key, value) in load {
            guard let room = rooms[key.room] else { continue }
            if value.sessions > room.maxSessions || value.patients > room.capacity { bad("room_capacity") }
        }

        // Patient checks.
        struct PatientDay: Hashable { var patient: String, day: Int }
        struct PatientModalityDay: Hashable { var pair: Pair, day: Int }
        var byPatientDay: [PatientDay: [Occurrence]] = [:]
        var countByPair: [Pair: Int] = [:]
        var countByPairDay: [PatientModalityDay: Int] = [:]
        for occurrence in occurrences {
            guard let patient = patients[occurrence.patient], let modality = modalities[occurrence.modality] else { continue }
            byPatientDay[PatientDay(patient: occurrence.patient, day: occurrence.day), default: []].append(occurrence)
            let pair = Pair(patient: occurrence.patient, modality: occurrence.modality)
            if let prescription = prescriptions[pair] {
                if occurrence.length != prescription.sessionSlots { bad("wrong_length") }
                countByPair[pair, default: 0] += 1
                countByPairDay[PatientModalityDay(pair: pair, day: occurrence.day), default: 0] += 1
            } else {
                bad("not_prescribed")
            }
            if !Self.inside(Self.windows(patient.availability, occurrence.day), occurrence.start, occurrence.end) { bad("patient_unavailable") }
            for flag in patient.flags where forbidden[flag]?.contains(occurrence.modality) == true { bad("contraindication") }
            let need = modality.minDaysAfterStroke[patient.strokeType] ?? 0
            if patient.daysSinceStroke + occurrence.day < need { bad("too_early_after_stroke") }
        }
        for (pair, count) in countByPair {
            let allowed = prescriptions[pair]?.sessionsPerWeek ?? 0
            if count > allowed { bad("over_prescribed", count - allowed) }
        }
        for (key, count) in countByPairDay {
            let allowed = prescriptions[key.pair]?.maxPerDay ?? 0
            if count > allowed { bad("over_daily_modality", count - allowed) }
        }
        for (key, list) in byPatientDay {
            guard let patient = patients[key.patient] else { continue }
            let sorted = list.enumerated().sorted { ($0.element.start, $0.element.end, $0.offset) < ($1.element.start, $1.element.end, $1.offset) }.map(\.element)
            let minutes = sorted.reduce(0) { $0 + $1.length } * grid.slotMinutes
            if minutes > patient.maxMinutesPerDay { bad("patient_daily_max") }
            for i in sorted.indices {
                for j in (i + 1)..<sorted.count {
                    if sorted[j].start >= sorted[i].end { break }
                    bad("patient_overlap")
                }
            }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start >= a.end {
                let need = max(patient.minGapSlots, modalities[a.modality]?.restAfterSlots ?? 0)
                if b.start - a.end < need { bad("patient_gap") }
            }
            let today = Set(sorted.map(\.modality))
            for pair in week.sameDayExclusive where pair.count == 2 && today.contains(pair[0]) && today.contains(pair[1]) {
                bad("same_day_exclusive")
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
        var imbalance = 0, idle = 0
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
                  let therapist = occurrence.session.therapist else { continue }
            therapistsUsed[Pair(patient: occurrence.patient, modality: occurrence.modality), default: []].insert(therapist)
        }
        soft["extra_therapists"] = therapistsUsed.values.reduce(0) { $0 + max(0, $1.count - 1) }
        soft["time_preference_violations"] = occurrences.filter { occurrence in
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
        var prescribed = 0, delivered = 0
        for prescription in week.prescriptions {
            let wanted = prescription.sessionsPerWeek
            let got = min(wanted, countByPair[Pair(patient: prescription.patient, modality: prescription.modality)] ?? 0)
            prescribed += wanted * prescription.sessionSlots * grid.slotMinutes
            delivered += got * prescription.sessionSlots * grid.slotMinutes
        }
        kpi["prescribed_minutes"] = Double(prescribed)
        kpi["delivered_minutes"] = Double(delivered)
        kpi["delivered_fraction"] = prescribed > 0 ? Self.round(Double(delivered) / Double(prescribed), 4) : 1
        var weekdays = 0, full = 0
        for patient in week.patients {
            for day in 0..<dayCount where !week.days[day].weekend && !Self.windows(patient.availability, day).isEmpty {
                weekdays += 1
                if (minutesByDay[PatientDay(patient: patient.id, day: day)] ?? 0) >= 180 { full += 1 }
            }
        }
        kpi["patient_weekdays_ge_180min"] = Double(full)
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
        return ScheduleScore(hard: counts, soft: soft, objective: objective, kpi: kpi)
    }

    /// Python's `round(value, digits)`: the exact binary value rounded to decimal digits.
    private static func round(_ value: Double, _ digits: Int) -> Double {
        Double(String(format: "%.\(digits)f", value)) ?? value
    }
}
