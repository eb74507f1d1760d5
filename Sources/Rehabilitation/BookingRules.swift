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
        case unknownFlag = "unknown_flag"
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

/// A precaution the catalogue attaches to a booking it allows: whose, which flag, what to do
/// and the sources.
public struct BookingPrecaution: Sendable, Codable, Equatable {
    public var patient: String
    public var flag: String
    public var modality: String
    public var note: String
    public var sources: [String]

    public init(patient: String, flag: String, modality: String, note: String, sources: [String]) {
        self.patient = patient
        self.flag = flag
        self.modality = modality
        self.note = note
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
    /// stroke of this type: a flag the catalogue does not know (it fails closed: a misspelt
    /// flag could hide a contraindication), a contraindication rule that names one of the flags,
    /// or a day before the modality's earliest day after stroke. Returns the precautions that
    /// apply to the allowed session.
    @discardableResult
    public func checkPatient(
        modality id: String, flags: [String], strokeType: String, daysSinceStroke: Int,
        patient: String
    ) throws(BookingRuleViolation) -> [BookingPrecaution] {
        let modality = try modality(id)
        if let unknown = firstUnknownFlag(in: flags) {
            throw BookingRuleViolation(
                kind: .unknownFlag,
                message:
                    "\(patient)'s stay carries the flag \(unknown.flag), which the rehab catalogue \(version) does not know: correct the stay's flags before booking",
                sources: [])
        }
        if let rule = contraindicationRules.first(where: { $0.level == .contraindication && flags.contains($0.flag) && $0.modalities.contains(id) }) {
            throw BookingRuleViolation(
                kind: .contraindicated, message: "\(id) is contraindicated for \(patient): \(rule.flag) (\(rule.note))",
                sources: rule.sources)
        }
        if let earliest = modality.minDaysAfterStroke[strokeType], daysSinceStroke < earliest {
            throw BookingRuleViolation(
                kind: .tooEarly,
                message:
                    "\(id) starts on day \(earliest) after a\(strokeType.first == "i" ? "n" : "") \(strokeType) stroke; \(patient) is on day \(daysSinceStroke)",
                sources: modality.sources)
        }
        return precautions(modality: id, flags: flags, patient: patient)
    }

    /// The rules that bind a planner (an exported `rehab-week/1` week): contraindications only;
    /// precautions warn at booking and never keep a session out of a plan.
    public var bindingRules: [ContraindicationRule] { contraindicationRules.filter { $0.level == .contraindication } }

    /// The precaution rules that name `modality` and one of the flags.
    public func precautions(modality id: String, flags: [String], patient: String) -> [BookingPrecaution] {
        contraindicationRules.filter { $0.level == .precaution && flags.contains($0.flag) && $0.modalities.contains(id) }.map {
            BookingPrecaution(patient: patient, flag: $0.flag, modality: id, note: $0.note, sources: $0.sources)
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
