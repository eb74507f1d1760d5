public import Clinical

/// The rules of the modality catalogue a booking can break.
public enum BookingRule: String, Sendable {
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

extension Refusal {
    /// The catalogue refuses a booking: the rule, in words, and the sources it rests on.
    public static func bookingRefused(_ rule: BookingRule, _ message: String, sources: [String]) -> Refusal {
        Refusal(.ruleViolation, "booking-refused", field: rule.rawValue, message: message, sources: sources)
    }

    /// The catalogue rule a refusal names, if it is one.
    public var bookingRule: BookingRule? {
        guard name == "booking-refused", let field else { return nil }
        return BookingRule(rawValue: field)
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
    public func modality(_ id: String) throws(Refusal) -> Modality {
        guard let modality = modalities.first(where: { $0.id == id }) else {
            throw Refusal.bookingRefused(.unknownModality, "\(id) is not in the modality catalogue \(version)", sources: [])
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
        modality id: String, flags: [String], strokeType: StrokeType, daysSinceStroke: Int,
        patient: String
    ) throws(Refusal) -> [BookingPrecaution] {
        let modality = try modality(id)
        if let unknown = firstUnknownFlag(in: flags) {
            throw Refusal.bookingRefused(
                .unknownFlag,
                "\(patient)'s stay carries the flag \(unknown.flag), which the rehab catalogue \(version) does not know: correct the stay's flags before booking",
                sources: [])
        }
        if let rule = contraindicationRules.first(where: { $0.level == .contraindication && flags.contains($0.flag) && $0.modalities.contains(id) }) {
            throw Refusal.bookingRefused(
                .contraindicated, "\(id) is contraindicated for \(patient): \(rule.flag) (\(rule.note))",
                sources: rule.sources)
        }
        if let earliest = modality.minDaysAfterStroke[strokeType.rawValue], daysSinceStroke < earliest {
            throw Refusal.bookingRefused(
                .tooEarly,
                "\(id) starts on day \(earliest) after \(strokeType.article) \(strokeType.rawValue) stroke; \(patient) is on day \(daysSinceStroke)",
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
    public func checkResources(modality id: String, roomType: String, therapistSkills: [String]?, participants: Int) throws(Refusal) {
        let modality = try modality(id)
        guard roomType == modality.roomType else {
            throw Refusal.bookingRefused(.wrongRoom, "\(id) is given in a \(modality.roomType), not a \(roomType)", sources: modality.sources)
        }
        if modality.requiresTherapist {
            guard let skills = therapistSkills else {
                throw Refusal.bookingRefused(.therapistNeeded, "\(id) needs a therapist", sources: modality.sources)
            }
            if let skill = modality.skill, !skills.contains(skill) {
                throw Refusal.bookingRefused(.therapistNotQualified, "\(id) needs a therapist with skill \(skill)", sources: modality.sources)
            }
        }
        guard participants <= modality.maxGroup else {
            throw Refusal.bookingRefused(.groupTooLarge, "\(id) takes at most \(modality.maxGroup) patients at once", sources: modality.sources)
        }
    }
}
