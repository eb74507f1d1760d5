/// A trial's (or guideline's) eligibility criteria set, for the occlusion sites it enrolled.
struct ThrombectomyTrial: Sendable {
    var id: String
    var title: String
    var sites: [String]
    var criteria: [Criterion]
    /// Shown when every criterion is met and the condition holds (e.g. how the answer's timing differs from the trial's).
    var warningsWhenMet: [ConditionalText]
    var sources: [String]
}

/// A guideline statement of one profile: its level, the recommendation it gives (nil when
/// the statement grades nothing), when it applies, whether it is a graded statement or the
/// place-holder for patients no statement covers, and the warnings it carries (a statement
/// later trials have overtaken says so).
struct ThrombectomyStatement: Sendable {
    enum Basis: String, Sendable {
        case statement
        case noStatement = "no_statement"
    }

    var level: String
    var recommendation: String?
    var basis: Basis
    var condition: ConditionArena.Ref
    var warnings: [ConditionalText]
    var sources: [String]
}

/// The EVT part of the protocol (evt.json).
struct ThrombectomyProtocol: Sendable {
    var applicable: ConditionArena.Ref
    var notApplicableText: String
    var withTrialMet: String
    var otherwise: String
    var trials: [ThrombectomyTrial]
    /// Per profile, in the order of profiles.json.
    var statements: [[ThrombectomyStatement]]
    /// Plain-data views for evaluation: each trial's occlusion sites as a bit set over the
    /// codes of imaging.occlusion_site, its criteria conditions, and each profile's statement conditions.
    let trialSites: [UInt64]
    let trialCriteria: [[ConditionArena.Ref]]
    let statementConditions: [[ConditionArena.Ref]]

    init(
        applicable: ConditionArena.Ref, notApplicableText: String, withTrialMet: String, otherwise: String,
        trials: [ThrombectomyTrial], statements: [[ThrombectomyStatement]]
    ) {
        self.applicable = applicable
        self.notApplicableText = notApplicableText
        self.withTrialMet = withTrialMet
        self.otherwise = otherwise
        self.trials = trials
        self.statements = statements
        let sites = Fact.imagingOcclusionSite.vocabulary
        trialSites = trials.map { trial in
            trial.sites.reduce(UInt64(0)) { mask, site in sites.firstIndex(of: site).map { mask | (1 << UInt64($0)) } ?? mask }
        }
        trialCriteria = trials.map { $0.criteria.map(\.condition) }
        statementConditions = statements.map { $0.map(\.condition) }
    }
}

/// How glucose units convert and which class each anticoagulant belongs to (by the codes'
/// positions in `anticoagulant.type` and `anticoagulant.class`).
public struct UnitConventions: Sendable {
    var glucoseMgDlPerMmolL: Double
    /// How far a glucose given in both units may disagree (the rounding of either), in mmol/L.
    var glucoseAgreementMmolL: Double
    var anticoagulantClassByType: [Int16]
}
