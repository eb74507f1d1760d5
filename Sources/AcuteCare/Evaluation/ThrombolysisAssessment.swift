/// The IV thrombolysis answer: status, pathway, every rule that fired (with code, text and
/// sources), warnings, notes, the agents on offer and the data still missing.
public struct ThrombolysisResult: Sendable, Encodable {
    /// A rule that fired.
    public struct Finding: Sendable, Equatable, Encodable {
        public var code: String
        public var text: String
        public var sources: [String]
    }

    public var status: String
    public var pathway: String?
    public var pathwayTitle: String?
    public var pathwayEvidence: String?
    public var absoluteContraindications: [Finding] = []
    public var relativeContraindications: [Finding] = []
    public var correctBeforeTreatment: [Finding] = []
    public var notIndicatedReasons: [Finding] = []
    public var warnings: [String] = []
    public var notes: [String] = []
    public var agentOptions: [String] = []
    public var missingData: [MissingData] = []

    enum CodingKeys: String, CodingKey {
        case status, pathway, pathwayTitle = "pathway_title", pathwayEvidence = "pathway_evidence"
        case absoluteContraindications = "absolute_contraindications", relativeContraindications = "relative_contraindications"
        case correctBeforeTreatment = "correct_before_treatment", notIndicatedReasons = "not_indicated_reasons"
        case warnings, notes, agentOptions = "agent_options", missingData = "missing_data"
    }

    /// Whether a dose is worth giving now or after correction.
    public var treatmentPossible: Bool {
        ["eligible", "eligible_with_caution", "conditional"].contains(status)
    }
}

/// Decides IVT for a presentation under one profile (reference/acute.md section 1): the
/// first pathway whose window and criteria hold, then every rule, then the status by the
/// vectors' precedence (contraindicated > not_indicated > needs_data > conditional >
/// eligible_with_caution > eligible). `needs_data` extends the vectors' vocabulary: a rule
/// needed a value that is not known, and the answer names it instead of assuming.
enum ThrombolysisAssessment {
    static let outsideWindow = "OUTSIDE_WINDOW"

    static func assess(_ facts: inout Facts, protocol acute: AcuteProtocol, profile: String) -> ThrombolysisResult {
        var result = ThrombolysisResult(status: "eligible")
        let pathway = choosePathway(facts, acute.ivt, into: &result)
        if let pathway {
            facts[.ivtPathway] = .code(pathway.id)
            result.pathway = pathway.id
            result.pathwayTitle = pathway.title
            result.pathwayEvidence = pathway.evidence
            result.warnings += pathway.warnings.filter { $0.condition.evaluate(facts) == .yes }.map(\.text)
        }
        var blocking = false
        for rule in acute.ivt.rules where rule.profiles?.contains(profile) ?? true {
            switch rule.condition.evaluate(facts) {
            case .yes:
                record(rule, facts, into: &result)
            case .no:
                break
            case .unknown:
                blocking = unknown(rule, facts, into: &result) || blocking
            }
        }
        result.status = if !result.absoluteContraindications.isEmpty {
            "contraindicated"
        } else if !result.notIndicatedReasons.isEmpty {
            "not_indicated"
        } else if blocking {
            "needs_data"
        } else if !result.correctBeforeTreatment.isEmpty {
            "conditional"
        } else if !result.relativeContraindications.isEmpty {
            "eligible_with_caution"
        } else {
            "eligible"
        }
        if result.treatmentPossible {
            let agents = pathway?.agents ?? ["tenecteplase", "alteplase"]
            result.agentOptions = agents.map { $0 == "alteplase" ? acute.doses.alteplase.option : acute.doses.tenecteplase.option }
        }
        return result
    }

    /// The first pathway whose window holds and whose criteria all hold; when there is none,
    /// one OUTSIDE_WINDOW reason per pathway tried (its first failed criterion), and the
    /// protocol's reasons for times beyond every window.
    private static func choosePathway(_ facts: Facts, _ ivt: ThrombolysisProtocol, into result: inout ThrombolysisResult) -> ThrombolysisPathway? {
        var reasons: [ThrombolysisResult.Finding] = []
        var missing: [MissingData] = []
        for pathway in ivt.pathways where pathway.window.evaluate(facts) == .yes {
            guard let failed = pathway.criteria.first(where: { $0.condition.evaluate(facts) != .yes }) else { return pathway }
            let unknown = failed.condition.unknownFacts(facts)
            missing += unknown.map { MissingData(field: $0.definition.name, neededBy: pathway.id, blocking: false) }
            let suffix = unknown.isEmpty ? "" : " (not known: \(unknown.map(\.definition.name).joined(separator: ", ")))"
            reasons.append(.init(code: outsideWindow, text: pathway.failsPrefix + TextTemplate.render(failed.fails, facts) + suffix, sources: pathway.sources))
        }
        for outside in ivt.outsideWindows where outside.condition.evaluate(facts) == .yes {
            reasons.append(.init(code: outsideWindow, text: outside.text, sources: []))
        }
        if reasons.isEmpty {
            reasons.append(.init(code: outsideWindow, text: "no IVT pathway covers an expected needle time of \(TextTemplate.describe(facts[.timesLkwToDecisionMin])) min from LKW", sources: []))
        }
        result.notIndicatedReasons += reasons
        result.missingData += missing
        return nil
    }

    private static func record(_ rule: ThrombolysisRule, _ facts: Facts, into result: inout ThrombolysisResult) {
        let finding = ThrombolysisResult.Finding(code: rule.code, text: TextTemplate.render(rule.text, facts), sources: rule.sources)
        switch rule.category {
        case .notIndicated: result.notIndicatedReasons.append(finding)
        case .correctBeforeTreatment: result.correctBeforeTreatment.append(finding)
        case .contraindication:
            if rule.severity == .absolute {
                result.absoluteContraindications.append(finding)
            } else {
                result.relativeContraindications.append(finding)
            }
        case .warning: result.warnings.append(finding.text)
        case .note: result.notes.append(finding.text)
        }
        result.notes += rule.notes
    }

    /// Names the facts a rule lacked; returns whether the decision must wait for them.
    private static func unknown(_ rule: ThrombolysisRule, _ facts: Facts, into result: inout ThrombolysisResult) -> Bool {
        guard rule.whenUnknown != .ignore, rule.category != .note, rule.category != .warning else { return false }
        let blocking = rule.whenUnknown == .needsData || rule.needsDataIf?.evaluate(facts) == .yes
        let fields = rule.condition.unknownFacts(facts).map(\.definition.name)
        for field in fields where !result.missingData.contains(where: { $0.field == field && $0.neededBy == rule.code }) {
            result.missingData.append(MissingData(field: field, neededBy: rule.code, blocking: blocking))
        }
        if !blocking {
            result.warnings.append(rule.pendingText ?? "\(rule.code): not known (\(fields.joined(separator: ", "))); checked before treatment")
        }
        return blocking
    }
}
