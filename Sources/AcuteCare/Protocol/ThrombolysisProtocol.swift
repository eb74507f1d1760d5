/// A criterion of a pathway or trial: the condition, and what to say when it fails.
struct Criterion: Sendable {
    var condition: Condition
    var fails: String
}

/// A text shown when a condition holds.
struct ConditionalText: Sendable {
    var condition: Condition
    var text: String
}

/// An IV thrombolysis pathway: a time window and the criteria that must all hold in it.
struct ThrombolysisPathway: Sendable {
    var id: String
    var title: String
    var window: Condition
    var failsPrefix: String
    var criteria: [Criterion]
    var warnings: [ConditionalText]
    /// Agents offered on this pathway (nil: every agent).
    var agents: [String]?
    var evidence: String
    var sources: [String]
}

/// One IVT rule: when it fires, which code it reports, in which category and severity,
/// for which profiles, and what to do when the facts it needs are not known.
struct ThrombolysisRule: Sendable {
    enum Category: String, Sendable {
        case notIndicated = "not_indicated", correctBeforeTreatment = "correct_before_treatment"
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
    var profiles: Set<String>?
    var condition: Condition
    var text: String
    var notes: [String]
    var whenUnknown: WhenUnknown
    var needsDataIf: Condition?
    var pendingText: String?
    var sources: [String]
}

/// The IVT part of the protocol (ivt.json).
struct ThrombolysisProtocol: Sendable {
    var pathways: [ThrombolysisPathway]
    var outsideWindows: [ConditionalText]
    var rules: [ThrombolysisRule]
}
