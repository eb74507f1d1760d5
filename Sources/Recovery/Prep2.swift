public import Clinical

/// PREP2's categories of expected upper-limb function at three months (Stinear 2017).
public enum Prep2Category: String, Sendable, Codable {
    case excellent, good, limited, poor
}

/// What PREP2 says for a patient: a category, or the inputs it still needs.
public enum Prep2Result: Sendable, Equatable {
    case category(Prep2Category)
    case missing([Notice])
}

/// The PREP2 algorithm with its thresholds from Protocols/recovery/parameters.json.
public struct Prep2Rules: Sendable, Decodable {
    public var safeThreshold: Int
    public var ageThreshold: Int
    public var safeThresholdFromAge: Int
    public var nihssThreshold: Int
    /// The SAFE score counts when taken up to this day after onset (day 3).
    public var safeLatestDay: Int
    /// PREP2 assesses SAFE about 72 h after onset: the value nearest this day is used.
    public var safeAssessmentDay: Int
    /// A SAFE taken only before this day underestimates the day-3 score: used with a warning.
    public var safeEarlyBeforeDay: Int
    /// The NIHSS counts when taken up to this day after onset (about day 3).
    public var nihssLatestDay: Int
    /// TMS counts when done within these days after onset (3–7).
    public var mepDays: [Int]
    /// Categories that choose the poor-recovery priors.
    public var poorClasses: [Prep2Category]
    public var sources: [String]

    /// SAFE ≥ threshold: Excellent below the age threshold, from it Excellent only with a
    /// higher SAFE, else Good. SAFE below: MEP+ Good; MEP− Limited or Poor by the NIHSS.
    /// Names each input still needed instead of assuming it.
    public func classify(safe: Int?, age: Int?, mep: Bool?, nihss: Int?) -> Prep2Result {
        guard let safe else { return .missing([Notice(Prep2Input.safe, ["day": "\(safeLatestDay)"])]) }
        if safe >= safeThreshold {
            guard let age else { return .missing([Notice(Prep2Input.age)]) }
            return .category(age < ageThreshold || safe >= safeThresholdFromAge ? .excellent : .good)
        }
        guard let mep else { return .missing([Notice(Prep2Input.mep, ["from": "\(mepDays.first ?? 0)", "to": "\(mepDays.last ?? 0)"])]) }
        if mep { return .category(.good) }
        guard let nihss else { return .missing([Notice(Prep2Input.nihss)]) }
        return .category(nihss < nihssThreshold ? .limited : .poor)
    }

    /// The class a PREP2 category or, without one, an MEP status chooses; nil when neither
    /// is known (the default priors apply).
    public func recoveryClass(_ result: Prep2Result, mep: Bool?) -> RecoveryClass? {
        if case .category(let category) = result { return poorClasses.contains(category) ? .poor : .standard }
        return mep.map { $0 ? .standard : .poor }
    }
}
