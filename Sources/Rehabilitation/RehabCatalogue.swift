public import Foundation

/// The clinic's modality catalogue (Protocols/rehab/catalogue.json): every modality with its
/// discipline, skill, room type, group size, session length, rest after it and earliest day
/// after stroke; the contraindication rules and same-day exclusions; the guideline intensity
/// targets; each with its sources. Adding a modality is adding data.
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
        public var sources: [String]
    }

    public struct ContraindicationRule: Sendable, Decodable {
        public var flag: String
        public var modalities: [String]
        public var note: String
        public var sources: [String]
    }

    public struct Exclusion: Sendable, Decodable {
        public var modalities: [String]
        public var note: String
        public var sources: [String]
    }

    public var version: String
    public var sources: [Source]
    public var intensityTargets: [IntensityTarget]
    public var priorityByDaysSinceStroke: [PriorityBand]
    /// The weights a clinic's exported week is planned with (local policy, cited in the file).
    public var planningWeights: RehabWeek.Weights
    public var modalities: [Modality]
    public var contraindicationRules: [ContraindicationRule]
    public var sameDayExclusive: [Exclusion]

    /// Reads and checks a catalogue: unique ids, known sources and modalities, a source for
    /// every modality and rule, lengths that are positive, and a group size of at least one.
    public static func decode(_ data: Data) throws(RehabWeekError) -> RehabCatalogue {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let catalogue: RehabCatalogue
        do {
            catalogue = try decoder.decode(RehabCatalogue.self, from: data)
        } catch {
            throw RehabWeekError(field: "(catalogue)", message: "cannot be read: \(error)")
        }
        try catalogue.check()
        return catalogue
    }

    private func check() throws(RehabWeekError) {
        let sourceIDs = Set(sources.map(\.id)), modalityIDs = Set(modalities.map(\.id))
        guard sourceIDs.count == sources.count else { throw RehabWeekError(field: "sources", message: "an id appears twice") }
        guard modalityIDs.count == modalities.count else { throw RehabWeekError(field: "modalities", message: "an id appears twice") }
        func cited(_ list: [String], _ field: String) throws(RehabWeekError) {
            guard !list.isEmpty else { throw RehabWeekError(field: field, message: "cites no source") }
            for id in list where !sourceIDs.contains(id) { throw RehabWeekError(field: field, message: "cites unknown source \(id)") }
        }
        func known(_ list: [String], _ field: String) throws(RehabWeekError) {
            for id in list where !modalityIDs.contains(id) { throw RehabWeekError(field: field, message: "names unknown modality \(id)") }
        }
        for (index, modality) in modalities.enumerated() {
            let field = "modalities[\(index)]"
            try cited(modality.sources, field + ".sources")
            guard modality.maxGroup >= 1 else { throw RehabWeekError(field: field + ".max_group", message: "must be at least 1") }
            guard modality.sessionMinutes > 0, modality.restAfterMinutes >= 0 else { throw RehabWeekError(field: field + ".session_minutes", message: "must be positive") }
            guard !modality.requiresTherapist || modality.skill != nil else { throw RehabWeekError(field: field + ".skill", message: "is needed when a therapist is") }
            guard !modality.minDaysAfterStroke.isEmpty else { throw RehabWeekError(field: field + ".min_days_after_stroke", message: "is empty") }
        }
        for (index, rule) in contraindicationRules.enumerated() {
            try cited(rule.sources, "contraindication_rules[\(index)].sources")
            try known(rule.modalities, "contraindication_rules[\(index)].modalities")
        }
        for (index, exclusion) in sameDayExclusive.enumerated() {
            try cited(exclusion.sources, "same_day_exclusive[\(index)].sources")
            try known(exclusion.modalities, "same_day_exclusive[\(index)].modalities")
            guard exclusion.modalities.count == 2 else { throw RehabWeekError(field: "same_day_exclusive[\(index)].modalities", message: "must name two modalities") }
        }
        for (index, target) in intensityTargets.enumerated() { try cited(target.sources, "intensity_targets[\(index)].sources") }
    }

    /// The modalities as a `rehab-week/1` instance has them, on a grid of `slotMinutes`;
    /// refuses a length that is not a whole number of slots.
    public func instanceModalities(slotMinutes: Int) throws(RehabWeekError) -> [RehabWeek.Modality] {
        var result: [RehabWeek.Modality] = []
        for (index, modality) in modalities.enumerated() {
            guard slotMinutes > 0, modality.sessionMinutes % slotMinutes == 0, modality.restAfterMinutes % slotMinutes == 0 else {
                throw RehabWeekError(field: "modalities[\(index)]", message: "lengths are not whole \(slotMinutes)-minute slots")
            }
            result.append(RehabWeek.Modality(id: modality.id, skill: modality.skill, requiresTherapist: modality.requiresTherapist,
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
