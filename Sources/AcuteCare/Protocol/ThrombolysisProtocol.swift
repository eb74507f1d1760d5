/// A criterion of a pathway or trial: the condition, and what to say when it fails.
struct Criterion: Sendable {
    var condition: ConditionArena.Ref
    var fails: String
}

/// A text shown when a condition holds.
struct ConditionalText: Sendable {
    var condition: ConditionArena.Ref
    var text: String
}

/// An IV thrombolysis pathway: a time window and the criteria that must all hold in it.
struct ThrombolysisPathway: Sendable {
    var id: String
    var title: String
    var window: ConditionArena.Ref
    var failsPrefix: String
    var criteria: [Criterion]
    var warnings: [ConditionalText]
    /// Agents offered on this pathway, in order, with why (cited in `agentsSources`).
    var agents: [String]
    var agentsRationale: String
    var agentsSources: [String]
    var evidence: String
    var sources: [String]
}

/// One IVT rule: when it fires, which code it reports, in which category and severity,
/// for which profiles, and what to do when the facts it needs are not known.
struct ThrombolysisRule: Sendable {
    enum Category: String, Sendable {
        case notIndicated = "not_indicated"
        case correctBeforeTreatment = "correct_before_treatment"
        case contraindication, warning, note
    }

    enum Severity: String, Sendable {
        case absolute, relative
    }

    enum WhenUnknown: String, Sendable {
        /// The decision waits for the data (status needs_data).
        case needsData = "needs_data"
        /// Treatment may start; the missing value is named as a warning.
        case pending
        /// An absent value means the event did not happen (history "days ago" fields).
        case ignore
    }

    var id: String
    var code: String
    var category: Category
    var severity: Severity?
    /// Bit i set: the rule applies under profile i (of profiles.json).
    var profileMask: UInt8
    var condition: ConditionArena.Ref
    var text: String
    var notes: [String]
    var whenUnknown: WhenUnknown
    var needsDataIf: ConditionArena.Ref?
    var pendingText: String?
    var sources: [String]
}

/// What evaluation reads of a rule, as plain data (no references to count in the hot loop).
struct RuleCheck: Sendable {
    var profileMask: UInt8
    var condition: ConditionArena.Ref
    var category: ThrombolysisRule.Category
    var absolute: Bool
    var whenUnknown: ThrombolysisRule.WhenUnknown
    var needsDataIf: ConditionArena.Ref?

    init(_ rule: ThrombolysisRule) {
        profileMask = rule.profileMask
        condition = rule.condition
        category = rule.category
        absolute = rule.severity == .absolute
        whenUnknown = rule.whenUnknown
        needsDataIf = rule.needsDataIf
    }
}

/// The IVT part of the protocol (ivt.json).
struct ThrombolysisProtocol: Sendable {
    var pathways: [ThrombolysisPathway]
    var outsideWindows: [ConditionalText]
    var rules: [ThrombolysisRule]
    /// Plain-data views for evaluation: rule checks parallel to `rules`, pathway windows and
    /// criteria conditions parallel to `pathways`.
    let checks: [RuleCheck]
    let windows: [ConditionArena.Ref]
    let pathwayCriteria: [[ConditionArena.Ref]]

    init(pathways: [ThrombolysisPathway], outsideWindows: [ConditionalText], rules: [ThrombolysisRule]) {
        self.pathways = pathways
        self.outsideWindows = outsideWindows
        self.rules = rules
        checks = rules.map(RuleCheck.init)
        windows = pathways.map(\.window)
        pathwayCriteria = pathways.map { $0.criteria.map(\.condition) }
    }
}
