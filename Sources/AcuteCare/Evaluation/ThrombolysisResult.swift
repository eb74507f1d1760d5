public import Clinical

/// The IV thrombolysis answer: status, pathway, every rule that fired (with code, text and
/// sources), warnings, notes, the agents on offer and the data still missing. Holds what
/// was decided (indices into the protocol); texts are rendered when read.
public struct ThrombolysisResult: Sendable {
    /// A rule that fired.
    public struct Finding: Sendable, Equatable, JSONWritable {
        public var code: String
        public var text: String
        public var sources: [String]

        public func write(to writer: inout JSONWriter) {
            writer.object { json in
                json.field("code", code)
                json.field("text", text)
                json.field("sources", strings: sources)
            }
        }
    }

    public enum Status: String, Sendable {
        case eligible
        case eligibleWithCaution = "eligible_with_caution"
        case conditional
        case needsData = "needs_data"
        case notIndicated = "not_indicated"
        case contraindicated
    }

    let book: RuleBook
    let facts: Facts
    public let decision: Status
    let pathwayIndex: Int?
    /// When no pathway holds: each pathway tried and the position of its first failed criterion.
    let pathwayFailures: [(pathway: Int16, criterion: Int16)]
    /// When no pathway holds: the pathways whose window could not be decided for lack of data.
    let undecidedWindows: [Int16]
    let outsideWindows: [Int16]
    let fired: [Int16]
    let unknownRules: [(rule: Int16, blocking: Bool)]

    public var status: String { decision.rawValue }

    /// Whether a dose is worth giving now or after correction.
    public var treatmentPossible: Bool {
        decision == .eligible || decision == .eligibleWithCaution || decision == .conditional
    }

    var pathwayDefinition: ThrombolysisPathway? { pathwayIndex.map { book.ivt.pathways[$0] } }
    public var pathway: String? { pathwayDefinition?.id }

    private func findings(_ include: (ThrombolysisRule) -> Bool) -> [Finding] {
        fired.map { book.ivt.rules[Int($0)] }.filter(include).map {
            Finding(code: $0.code, text: TextTemplate.render($0.text, facts, book.phrases), sources: $0.sources)
        }
    }

    public var absoluteContraindications: [Finding] { findings { $0.category == .contraindication && $0.severity == .absolute } }
    public var relativeContraindications: [Finding] { findings { $0.category == .contraindication && $0.severity == .relative } }
    public var correctBeforeTreatment: [Finding] { findings { $0.category == .correctBeforeTreatment } }

    public var notIndicatedReasons: [Finding] {
        var reasons: [Finding] = pathwayFailures.map { failure in
            let pathway = book.ivt.pathways[Int(failure.pathway)]
            let criterion = pathway.criteria[Int(failure.criterion)]
            let unknown = book.arena.unknownFacts(criterion.condition, facts).map(\.definition.name)
            let suffix = unknown.isEmpty ? "" : book.phrases(.notKnownSuffix, ["fields": unknown.joined(separator: ", ")])
            return Finding(
                code: ThrombolysisAssessment.outsideWindow, text: pathway.failsPrefix + TextTemplate.render(criterion.fails, facts, book.phrases) + suffix,
                sources: pathway.sources)
        }
        reasons += outsideWindows.map { Finding(code: ThrombolysisAssessment.outsideWindow, text: book.ivt.outsideWindows[Int($0)].text, sources: []) }
        if pathwayIndex == nil && reasons.isEmpty {
            let needle = TextTemplate.describe(.timesLkwToDecisionMin, facts, book.phrases)
            reasons.append(
                Finding(code: ThrombolysisAssessment.outsideWindow, text: book.phrases(.ivtNoPathway, ["minutes": needle]), sources: []))
        }
        return reasons + findings { $0.category == .notIndicated }
    }

    public var warnings: [String] {
        var texts =
            pathwayDefinition?.warnings.filter { book.arena.evaluate($0.condition, facts) == .yes }.map { TextTemplate.render($0.text, facts, book.phrases) }
            ?? []
        texts += findings { $0.category == .warning }.map(\.text)
        for index in undecidedWindows {
            let pathway = book.ivt.pathways[Int(index)]
            let fields = book.arena.unknownFacts(pathway.window, facts).map(\.definition.name)
            texts.append(book.phrases(.ivtPathwayNotAssessed, ["pathway": pathway.id, "fields": fields.joined(separator: ", ")]))
        }
        // What is still to be checked before treatment matters only while treatment is on the table.
        guard decision != .contraindicated, decision != .notIndicated else { return texts }
        var unconfirmed: [String] = []
        for (index, blocking) in unknownRules where !blocking {
            let rule = book.ivt.rules[Int(index)]
            let fields = book.arena.unknownFacts(rule.condition, facts).map(\.definition.name)
            if rule.whenUnknown == .ignore {
                unconfirmed += fields.filter { !unconfirmed.contains($0) }
                continue
            }
            let text = rule.pendingText ?? book.phrases(.ivtRuleNotKnown, ["code": rule.code, "fields": fields.joined(separator: ", ")])
            if !texts.contains(text) { texts.append(text) }
        }
        if !unconfirmed.isEmpty {
            texts.append(book.phrases(.ivtRecentEventsUnconfirmed, ["fields": unconfirmed.joined(separator: ", ")]))
        }
        return texts
    }

    public var notes: [String] {
        fired.flatMap { index -> [String] in
            let rule = book.ivt.rules[Int(index)]
            return (rule.category == .note ? [TextTemplate.render(rule.text, facts, book.phrases)] : []) + rule.notes
        }
    }

    /// The agents the pathway offers, in the protocol's order (ivt.json cites why).
    public var agentOptions: [String] {
        guard treatmentPossible, let pathway = pathwayDefinition else { return [] }
        return pathway.agents.map { $0 == "alteplase" ? book.doses.alteplase.option : book.doses.tenecteplase.option }
    }

    /// Why the pathway offers these agents, and in this order.
    public var agentRationale: String? { treatmentPossible ? pathwayDefinition?.agentsRationale : nil }

    /// Whether the pathway offers `agent` ("alteplase", "tenecteplase").
    public func offers(_ agent: String) -> Bool { treatmentPossible && pathwayDefinition?.agents.contains(agent) == true }

    public var missingData: [MissingData] {
        var missing: [MissingData] = []
        for index in undecidedWindows {
            let pathway = book.ivt.pathways[Int(index)]
            for fact in book.arena.unknownFacts(pathway.window, facts) {
                missing.append(MissingData(field: fact.definition.name, neededBy: pathway.id, blocking: false))
            }
        }
        for failure in pathwayFailures {
            let pathway = book.ivt.pathways[Int(failure.pathway)]
            for fact in book.arena.unknownFacts(pathway.criteria[Int(failure.criterion)].condition, facts) {
                missing.append(MissingData(field: fact.definition.name, neededBy: pathway.id, blocking: false))
            }
        }
        for (index, blocking) in unknownRules {
            let rule = book.ivt.rules[Int(index)]
            for fact in book.arena.unknownFacts(rule.condition, facts) {
                let item = MissingData(field: fact.definition.name, neededBy: rule.code, blocking: blocking)
                if !missing.contains(item) { missing.append(item) }
            }
        }
        return missing
    }
}

extension ThrombolysisResult: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("status", status)
            json.field("pathway", pathway)
            json.field("pathway_title", pathwayDefinition?.title)
            json.field("pathway_evidence", pathwayDefinition?.evidence)
            for (name, findings) in [
                ("absolute_contraindications", absoluteContraindications), ("relative_contraindications", relativeContraindications),
                ("correct_before_treatment", correctBeforeTreatment), ("not_indicated_reasons", notIndicatedReasons),
            ] {
                json.key(name)
                json.array(findings) { $1.write(to: &$0) }
            }
            json.field("warnings", strings: warnings)
            json.field("notes", strings: notes)
            json.field("agent_options", strings: agentOptions)
            json.field("agent_rationale", agentRationale)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}
