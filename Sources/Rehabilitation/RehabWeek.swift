public import Foundation

/// A weekly rehabilitation timetabling instance in the `rehab-week/1` format
/// (bench/rehab/problem.md): the time grid, modalities, rooms, therapists, patients,
/// prescriptions, contraindication rules, same-day exclusions and objective weights.
public struct RehabWeek: Sendable, Decodable {
    public struct TimeGrid: Sendable, Decodable {
        public var slotMinutes: Int
        public var slotsPerDay: Int
        public var amPmBoundarySlot: Int
        /// "08:00": the time slot 0 starts.
        public var dayStart: String?
    }

    public struct Day: Sendable, Decodable {
        public var index: Int
        public var name: String
        public var weekend: Bool
    }

    public struct Modality: Sendable, Decodable {
        public var id: String
        public var skill: String?
        public var requiresTherapist: Bool
        public var roomType: String
        public var maxGroup: Int
        public var defaultSlots: Int
        public var restAfterSlots: Int
        public var teamRestricted: Bool
        /// Earliest day after stroke, by stroke type ("ischaemic", "haemorrhagic").
        public var minDaysAfterStroke: [String: Int]

        public init(
            id: String, skill: String?, requiresTherapist: Bool, roomType: String, maxGroup: Int, defaultSlots: Int,
            restAfterSlots: Int, teamRestricted: Bool, minDaysAfterStroke: [String: Int]
        ) {
            self.id = id
            self.skill = skill
            self.requiresTherapist = requiresTherapist
            self.roomType = roomType
            self.maxGroup = maxGroup
            self.defaultSlots = defaultSlots
            self.restAfterSlots = restAfterSlots
            self.teamRestricted = teamRestricted
            self.minDaysAfterStroke = minDaysAfterStroke
        }
    }

    public struct ContraindicationRule: Sendable, Decodable {
        public var flag: String
        public var modalities: [String]
    }

    /// Half-open slot windows `[start, end)` per day.
    public typealias Windows = [[[Int]]]

    public struct Room: Sendable, Decodable {
        public var id: String
        public var type: String
        public var capacity: Int
        public var maxSessions: Int
        public var open: Windows
    }

    public struct Therapist: Sendable, Decodable {
        public var id: String
        public var skills: [String]
        public var teams: [Int]
        public var shifts: Windows
        public var maxContactMinutes: [Int]
    }

    public struct Patient: Sendable, Decodable {
        public var id: String
        public var team: Int
        public var setting: String
        public var strokeType: String
        public var daysSinceStroke: Int
        public var priority: Int
        public var flags: [String]
        public var maxMinutesPerDay: Int
        public var minGapSlots: Int
        public var timePreference: String
        public var availability: Windows
    }

    public struct Prescription: Sendable, Decodable {
        public var id: String
        public var patient: String
        public var modality: String
        public var sessionsPerWeek: Int
        public var sessionSlots: Int
        public var maxPerDay: Int
    }

    public struct Weights: Sendable, Codable {
        public var unmetMinute: Int
        public var dailyImbalanceMinute: Int
        public var extraTherapist: Int
        public var timePreference: Int
        public var outpatientIdleMinute: Int
        public var weekendSession: Int

        /// The weight of a soft term named as in `ScheduleScore.softTerms`.
        public func weight(of term: String) -> Int {
            switch term {
            case "unmet_minutes": unmetMinute
            case "daily_imbalance_minutes": dailyImbalanceMinute
            case "extra_therapists": extraTherapist
            case "time_preference_violations": timePreference
            case "outpatient_idle_minutes": outpatientIdleMinute
            case "weekend_sessions": weekendSession
            default: 0
            }
        }
    }

    public var name: String
    public var timeGrid: TimeGrid
    public var days: [Day]
    public var modalities: [Modality]
    public var contraindicationRules: [ContraindicationRule]
    public var sameDayExclusive: [[String]]
    public var rooms: [Room]
    public var therapists: [Therapist]
    public var patients: [Patient]
    public var prescriptions: [Prescription]
    public var weights: Weights

    /// Reads an instance; a malformed one is refused naming the field.
    public static func decode(_ data: Data) throws(RehabWeekError) -> RehabWeek {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let week: RehabWeek
        do {
            week = try decoder.decode(RehabWeek.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RehabWeekError(field: Self.path(context.codingPath + [key]), message: "is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw RehabWeekError(field: Self.path(context.codingPath), message: "has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw RehabWeekError(field: Self.path(context.codingPath), message: "is not valid JSON")
        } catch {
            throw RehabWeekError(field: "(document)", message: "cannot be read")
        }
        try week.checkRanges()
        try week.checkReferences()
        return week
    }

    /// Refuses numbers outside what a week can hold, so that no sum or product the scorer
    /// forms can overflow.
    private func checkRanges() throws(RehabWeekError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: @autoclosure () -> String) throws(RehabWeekError) {
            guard range.contains(value) else { throw RehabWeekError(field: field(), message: "\(value) is outside \(range.lowerBound)–\(range.upperBound)") }
        }
        let slots = timeGrid.slotsPerDay
        try check(timeGrid.slotMinutes, 1...240, "time_grid.slot_minutes")
        try check(slots, 1...288, "time_grid.slots_per_day")
        try check(timeGrid.amPmBoundarySlot, 0...slots, "time_grid.am_pm_boundary_slot")
        try check(days.count, 1...14, "days")
        for (index, modality) in modalities.enumerated() {
            try check(modality.maxGroup, 1...100, "modalities[\(index)].max_group")
            try check(modality.restAfterSlots, 0...slots, "modalities[\(index)].rest_after_slots")
            for (type, day) in modality.minDaysAfterStroke { try check(day, 0...3_650, "modalities[\(index)].min_days_after_stroke.\(type)") }
        }
        for (index, room) in rooms.enumerated() {
            try check(room.capacity, 0...10_000, "rooms[\(index)].capacity")
            try check(room.maxSessions, 0...10_000, "rooms[\(index)].max_sessions")
        }
        for (index, therapist) in therapists.enumerated() {
            for minutes in therapist.maxContactMinutes { try check(minutes, 0...1_440, "therapists[\(index)].max_contact_minutes") }
        }
        for (index, patient) in patients.enumerated() {
            try check(patient.daysSinceStroke, 0...36_500, "patients[\(index)].days_since_stroke")
            try check(patient.priority, 0...10, "patients[\(index)].priority")
            try check(patient.maxMinutesPerDay, 0...1_440, "patients[\(index)].max_minutes_per_day")
            try check(patient.minGapSlots, 0...slots, "patients[\(index)].min_gap_slots")
        }
        for (index, prescription) in prescriptions.enumerated() {
            try check(prescription.sessionsPerWeek, 0...100, "prescriptions[\(index)].sessions_per_week")
            try check(prescription.sessionSlots, 1...slots, "prescriptions[\(index)].session_slots")
            try check(prescription.maxPerDay, 0...100, "prescriptions[\(index)].max_per_day")
        }
        for (name, weight) in [
            ("unmet_minute", weights.unmetMinute), ("daily_imbalance_minute", weights.dailyImbalanceMinute),
            ("extra_therapist", weights.extraTherapist), ("time_preference", weights.timePreference),
            ("outpatient_idle_minute", weights.outpatientIdleMinute), ("weekend_session", weights.weekendSession),
        ] {
            try check(weight, 0...1_000_000, "weights.\(name)")
        }
    }

    /// Refuses per-day lists that do not cover the week, duplicate ids, and prescriptions
    /// naming a patient or modality the instance does not have.
    private func checkReferences() throws(RehabWeekError) {
        func unique(_ ids: [String], _ field: String) throws(RehabWeekError) {
            var seen = Set<String>()
            for (index, id) in ids.enumerated() where !seen.insert(id).inserted {
                throw RehabWeekError(field: "\(field)[\(index)].id", message: "\(id) appears twice")
            }
        }
        func coversWeek(_ count: Int, _ field: String) throws(RehabWeekError) {
            guard count == days.count else { throw RehabWeekError(field: field, message: "has \(count) days, the week has \(days.count)") }
        }
        try unique(modalities.map(\.id), "modalities")
        try unique(rooms.map(\.id), "rooms")
        try unique(therapists.map(\.id), "therapists")
        try unique(patients.map(\.id), "patients")
        for (index, room) in rooms.enumerated() { try coversWeek(room.open.count, "rooms[\(index)].open") }
        for (index, therapist) in therapists.enumerated() {
            try coversWeek(therapist.shifts.count, "therapists[\(index)].shifts")
            try coversWeek(therapist.maxContactMinutes.count, "therapists[\(index)].max_contact_minutes")
        }
        for (index, patient) in patients.enumerated() { try coversWeek(patient.availability.count, "patients[\(index)].availability") }
        let strokeTypes = Dictionary(patients.map { ($0.id, $0.strokeType) }, uniquingKeysWith: { first, _ in first })
        let modalityByID = Dictionary(modalities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var prescribed = Set<String>()
        for (index, prescription) in prescriptions.enumerated() {
            guard let strokeType = strokeTypes[prescription.patient] else {
                throw RehabWeekError(field: "prescriptions[\(index)].patient", message: "\(prescription.patient) is not a patient of the instance")
            }
            guard let modality = modalityByID[prescription.modality] else {
                throw RehabWeekError(field: "prescriptions[\(index)].modality", message: "\(prescription.modality) is not a modality of the instance")
            }
            guard modality.minDaysAfterStroke[strokeType] != nil else {
                throw RehabWeekError(field: "modalities.\(modality.id).min_days_after_stroke", message: "has no entry for stroke type \(strokeType)")
            }
            guard prescribed.insert(prescription.patient + "\u{0}" + prescription.modality).inserted else {
                throw RehabWeekError(field: "prescriptions[\(index)]", message: "a second \(prescription.modality) prescription for \(prescription.patient)")
            }
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "(document)" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

/// A malformed instance: the field (JSON path) and what is wrong.
public struct RehabWeekError: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    /// The file the field is in, when one was read (the catalogue).
    public var file: String?

    public init(field: String, message: String, file: String? = nil) {
        self.field = field
        self.message = message
        self.file = file
    }

    public var description: String { (file.map { "\($0): " } ?? "") + "\(field): \(message)" }
}
