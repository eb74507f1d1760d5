/// A trial's (or guideline's) eligibility criteria set, for the occlusion sites it enrolled.
struct ThrombectomyTrial: Sendable {
    var id: String
    var title: String
    var sites: [String]
    var criteria: [Criterion]
    var sources: [String]
}

/// A guideline statement of one profile: its level, the recommendation it gives (nil when
/// the statement grades nothing) and when it applies.
struct ThrombectomyStatement: Sendable {
    var level: String
    var recommendation: String?
    var condition: Condition
    var sources: [String]
}

/// The EVT part of the protocol (evt.json).
struct ThrombectomyProtocol: Sendable {
    var applicable: Condition
    var notApplicableText: String
    var withTrialMet: String
    var otherwise: String
    var trials: [ThrombectomyTrial]
    var statements: [String: [ThrombectomyStatement]]
}

/// How glucose units convert and which class each anticoagulant belongs to.
public struct UnitConventions: Sendable {
    var glucoseMgDlPerMmolL: Double
    var anticoagulantClasses: [String: String]
}
