/// Why the catalogue refuses a booking: the rule, in words, and the sources it rests on.
public struct BookingRuleViolation: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case unknownModality = "unknown_modality"
        case contraindicated
        case tooEarly = "too_early"
        case wrongRoom = "wrong_room"
        case therapistNeeded = "therapist_needed"
        case therapistNotQualified = "therapist_not_qualified"
        case groupTooLarge = "group_too_large"
        case notAdmitted = "not_admitted"
    }

    public var kind: Kind
    public var message: String
    public var sources: [String]

    public init(kind: Kind, message: String, sources: [String]) {
        self.kind = kind
        self.message = message
        self.sources = sources
    }
}

extension RehabCatalogue {
    /// The catalogue's entry for a modality, or `unknownModality`.
    public func modality(_ id: String) throws(BookingRuleViolation) -> Modality {
        guard let modality = modalities.first(where: { $0.id == id }) else {
            throw BookingRuleViolation(kind: .unknownModality, message: "\(id) is not in the modality catalogue \(version)", sources: [])
        }
        return modality
    }

    /// Refuses a session of `modality` for a patient with these flags this many days after a
    /// stroke of this type: a contraindication rule that names one of the flags, or a day
    /// before the modality's earliest day after stroke.
    public func checkPatient(modality id: String, flags: [String], strokeType: String, daysSinceStroke: Int, patient: String) throws(BookingRuleViolation) {
        let modality = try modality(id)
        if let rule = contraindicationRules.first(where: { flags.contains($0.flag) && $0.modalities.contains(id) }) {
            throw BookingRuleViolation(kind: .contraindicated, message: "\(id) is contraindicated for \(patient): \(rule.flag) (\(rule.note))",
                                       sources: rule.sources)
        }
        if let earliest = modality.minDaysAfterStroke[strokeType], daysSinceStroke < earliest {
            throw BookingRuleViolation(kind: .tooEarly,
                                       message: "\(id) starts on day \(earliest) after a\(strokeType.first == "i" ? "n" : "") \(strokeType) stroke; \(patient) is on day \(daysSinceStroke)",
                                       sources: modality.sources)
        }
    }

    /// Refuses a session of `modality` in a room of `roomType` with a therapist of these skills
    /// (nil: no therapist) for `participants` patients.
    public func checkResources(modality id: String, roomType: String, therapistSkills: [String]?, participants: Int) throws(BookingRuleViolation) {
        let modality = try modality(id)
        guard roomType == modality.roomType else {
            throw BookingRuleViolation(kind: .wrongRoom, message: "\(id) is given in a \(modality.roomType), not a \(roomType)", sources: modality.sources)
        }
        if modality.requiresTherapist {
            guard let skills = therapistSkills else {
                throw BookingRuleViolation(kind: .therapistNeeded, message: "\(id) needs a therapist", sources: modality.sources)
            }
            if let skill = modality.skill, !skills.contains(skill) {
                throw BookingRuleViolation(kind: .therapistNotQualified, message: "\(id) needs a therapist with skill \(skill)", sources: modality.sources)
            }
        }
        guard participants <= modality.maxGroup else {
            throw BookingRuleViolation(kind: .groupTooLarge, message: "\(id) takes at most \(modality.maxGroup) patients at once", sources: modality.sources)
        }
    }
}
