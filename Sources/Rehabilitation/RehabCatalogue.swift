public import Foundation

/// The clinic's modality catalogue (Protocols/rehab/catalogue.json): every modality with its
/// discipline, skill, room type, group size, session length, rest after it and earliest day
/// after stroke; the contraindication rules and same-day exclusions; the guideline intensity
/// targets; the vocabulary of a stay's flags; each with its sources. Adding a modality or a
/// flag is adding data.
public struct RehabCatalogue: Sendable, Decodable {
    public struct Source: Sendable, Decodable {
        public var id: String
        public var citation: String
        public var doi: String?
        public var url: String?
    }

    public struct IntensityTarget: Sendable, Decodable {
        public var id: String
        public var title: String
        public var minutesPerDay: Int?
        public var minutesPerWeek: Int?
        public var minutesPerDayPerDiscipline: Int?
        public var daysPerWeek: Int?
        public var disciplines: [String]
        public var appliesToFlag: String?
        public var kind: String
        public var sources: [String]
    }

    public struct PriorityBand: Sendable, Decodable {
        /// Days since stroke up to which the band applies; nil for the last band.
        public var upToDays: Int?
        public var priority: Int
    }

    public struct Modality: Sendable, Decodable {
        public var id: String
        public var name: String
        /// The name in other languages, by language code (`sv`); English is `name`.
        public var names: [String: String]?
        public var discipline: String
        public var skill: String?
        public var requiresTherapist: Bool
        public var roomType: String
        public var maxGroup: Int
        public var sessionMinutes: Int
        public var restAfterMinutes: Int
        public var teamRestricted: Bool
        public var minDaysAfterStroke: [String: Int]
        public var note: String?
        /// How strong the evidence for the modality is after stroke, shown next to a booking.
        public var evidence: Evidence
        public var sources: [String]

        /// The name in `language` (a code such as `sv`), else in English.
        public func name(in language: String) -> String { names?[language] ?? name }
    }

    /// The strength of the evidence for a modality: a grade in words, a sentence, its sources.
    public struct Evidence: Sendable, Codable, Equatable {
        public var grade: String
        public var text: String
        public var sources: [String]
    }

    /// A flag a stay may carry, and what it means.
    public struct Flag: Sendable, Decodable {
        public var id: String
        public var meaning: String
    }

    /// What a rule does when a patient carries its flag.
    public enum Severity: String, Sendable, Codable {
        /// The booking is refused and the planner never places it.
        case contraindication
        /// The booking goes through with a warning.
        case precaution
    }

    public struct ContraindicationRule: Sendable, Decodable {
        public var flag: String
        /// `contraindication` or `precaution`; checked on load (text, so the error names the field).
        public var severity: String
        public var modalities: [String]
        public var note: String
        public var sources: [String]

        /// The rule's severity; a loaded catalogue only has the two.
        public var level: Severity { Severity(rawValue: severity) ?? .contraindication }
    }

    public struct Exclusion: Sendable, Decodable {
        public var modalities: [String]
        public var note: String
        public var sources: [String]
    }

    public var version: String
    public var sources: [Source]
    public var intensityTargets: [IntensityTarget]
    /// The intensity target (with minutes a day) a plan's KPI `patient_weekdays_at_daily_target` counts.
    public var scheduleKpiTarget: String
    /// Every flag a stay may carry.
    public var flags: [Flag]
    public var priorityByDaysSinceStroke: [PriorityBand]
    /// The weights a clinic's exported week is planned with (local policy, cited in the file).
    public var planningWeights: RehabWeek.Weights
    public var modalities: [Modality]
    public var contraindicationRules: [ContraindicationRule]
    public var sameDayExclusive: [Exclusion]

    /// Reads and checks a catalogue: unique ids, known sources and modalities, a source for
    /// every modality and rule, lengths that are positive, and a group size of at least one.
    /// Every error names the file (`file`) and the field.
    public static func decode(_ data: Data, file: String = "Protocols/rehab/catalogue.json") throws(RehabWeekError) -> RehabCatalogue {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let catalogue: RehabCatalogue
        do {
            catalogue = try decoder.decode(RehabCatalogue.self, from: data)
        } catch {
            throw RehabWeekError(field: "(catalogue)", message: "cannot be read: \(error)", file: file)
        }
        do {
            try catalogue.check()
        } catch {
            var named = error
            named.file = file
            throw named
        }
        return catalogue
    }

    private func check() throws(RehabWeekError) {
        let sourceIDs = Set(sources.map(\.id))
        let modalityIDs = Set(modalities.map(\.id))
        guard sourceIDs.count == sources.count else { throw RehabWeekError(field: "sources", message: "an id appears twice") }
        guard modalityIDs.count == modalities.count else { throw RehabWeekError(field: "modalities", message: "an id appears twice") }
        func cited(_ list: [String], _ field: String) throws(RehabWeekError) {
            guard !list.isEmpty else { throw RehabWeekError(field: field, message: "cites no source") }
            for id in list where !sourceIDs.contains(id) { throw RehabWeekError(field: field, message: "cites unknown source \(id)") }
        }
        func known(_ list: [String], _ field: String) throws(RehabWeekError) {
            for id in list where !modalityIDs.contains(id) { throw RehabWeekError(field: field, message: "names unknown modality \(id)") }
        }
        let flagIDs = Set(flags.map(\.id))
        guard flagIDs.count == flags.count else { throw RehabWeekError(field: "flags", message: "an id appears twice") }
        for (index, flag) in flags.enumerated() {
            guard Self.isFlagToken(flag.id) else {
                throw RehabWeekError(field: "flags[\(index)].id", message: "must be lower-case letters, digits or _ (1-40)")
            }
            guard !flag.meaning.isEmpty else { throw RehabWeekError(field: "flags[\(index)].meaning", message: "is empty") }
        }
        for (index, modality) in modalities.enumerated() {
            let field = "modalities[\(index)]"
            try cited(modality.sources, field + ".sources")
            try cited(modality.evidence.sources, field + ".evidence.sources")
            guard !modality.evidence.grade.isEmpty, !modality.evidence.text.isEmpty else {
                throw RehabWeekError(field: field + ".evidence", message: "needs a grade and a text")
            }
            guard modality.maxGroup >= 1 else { throw RehabWeekError(field: field + ".max_group", message: "must be at least 1") }
            guard modality.sessionMinutes > 0, modality.restAfterMinutes >= 0 else {
                throw RehabWeekError(field: field + ".session_minutes", message: "must be positive")
            }
            guard !modality.requiresTherapist || modality.skill != nil else {
                throw RehabWeekError(field: field + ".skill", message: "is needed when a therapist is")
            }
            guard !modality.minDaysAfterStroke.isEmpty else { throw RehabWeekError(field: field + ".min_days_after_stroke", message: "is empty") }
        }
        for (index, rule) in contraindicationRules.enumerated() {
            try cited(rule.sources, "contraindication_rules[\(index)].sources")
            guard flagIDs.contains(rule.flag) else {
                throw RehabWeekError(field: "contraindication_rules[\(index)].flag", message: "names \(rule.flag), which is not in flags")
            }
            guard Severity(rawValue: rule.severity) != nil else {
                throw RehabWeekError(
                    field: "contraindication_rules[\(index)].severity", message: "must be contraindication or precaution, not \(rule.severity)")
            }
            try known(rule.modalities, "contraindication_rules[\(index)].modalities")
        }
        for (index, exclusion) in sameDayExclusive.enumerated() {
            try cited(exclusion.sources, "same_day_exclusive[\(index)].sources")
            try known(exclusion.modalities, "same_day_exclusive[\(index)].modalities")
            guard exclusion.modalities.count == 2 else {
                throw RehabWeekError(field: "same_day_exclusive[\(index)].modalities", message: "must name two modalities")
            }
        }
        for (index, target) in intensityTargets.enumerated() {
            try cited(target.sources, "intensity_targets[\(index)].sources")
            if let flag = target.appliesToFlag, !flagIDs.contains(flag) {
                throw RehabWeekError(field: "intensity_targets[\(index)].applies_to_flag", message: "names \(flag), which is not in flags")
            }
        }
        guard let target = intensityTargets.first(where: { $0.id == scheduleKpiTarget }), target.minutesPerDay != nil else {
            throw RehabWeekError(field: "schedule_kpi_target", message: "must name an intensity target with minutes_per_day")
        }
    }

    /// Whether a flag is written as the catalogue writes them: lower-case letters, digits, `_`; 1–40.
    static func isFlagToken(_ text: String) -> Bool {
        (1...40).contains(text.count) && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The modalities as a `rehab-week/1` instance has them, on a grid of `slotMinutes`;
    /// refuses a length that is not a whole number of slots.
    public func instanceModalities(slotMinutes: Int) throws(RehabWeekError) -> [RehabWeek.Modality] {
        var result: [RehabWeek.Modality] = []
        for (index, modality) in modalities.enumerated() {
            guard slotMinutes > 0, modality.sessionMinutes % slotMinutes == 0, modality.restAfterMinutes % slotMinutes == 0 else {
                throw RehabWeekError(field: "modalities[\(index)]", message: "lengths are not whole \(slotMinutes)-minute slots")
            }
            result.append(
                RehabWeek.Modality(
                    id: modality.id, skill: modality.skill, requiresTherapist: modality.requiresTherapist,
                    roomType: modality.roomType, maxGroup: modality.maxGroup, defaultSlots: modality.sessionMinutes / slotMinutes,
                    restAfterSlots: modality.restAfterMinutes / slotMinutes, teamRestricted: modality.teamRestricted,
                    minDaysAfterStroke: modality.minDaysAfterStroke))
        }
        return result
    }

    /// The priority (1–3) of a patient this many days after the stroke.
    public func priority(daysSinceStroke: Int) -> Int {
        priorityByDaysSinceStroke.first { $0.upToDays.map { daysSinceStroke <= $0 } ?? true }?.priority ?? 1
    }
}
