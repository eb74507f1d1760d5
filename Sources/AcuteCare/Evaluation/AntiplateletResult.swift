public import Clinical

/// Antiplatelet therapy now (antiplatelet.json): the recommendation of the first rule that
/// holds — dual, single, none, or needs_data when a rule before it cannot be decided — with
/// its regimen, reason and sources, and the facts that would decide an undecided rule.
public struct AntiplateletResult: Sendable, JSONWritable {
    public var recommendation: String
    /// The rule that gave the recommendation (for needs_data, the first undecided rule).
    public var rule: String
    public var regimen: String?
    public var text: String
    public var sources: [String]
    public var missingData: [MissingData]

    static func assess(_ facts: Facts, book: RuleBook) -> AntiplateletResult {
        for rule in book.antiplatelet.rules {
            switch book.arena.evaluate(rule.when, facts) {
            case .yes:
                return AntiplateletResult(
                    recommendation: rule.recommendation, rule: rule.id, regimen: rule.regimen, text: rule.text, sources: rule.sources,
                    missingData: rule.asksFor.map { MissingData(field: $0.definition.name, neededBy: "antiplatelet.\(rule.id)", blocking: false) })
            case .unknown:
                var missing: [MissingData] = []
                for fact in book.arena.unknownFacts(rule.when, facts) {
                    missing.append(MissingData(field: fact.definition.name, neededBy: "antiplatelet.\(rule.id)", blocking: false))
                }
                return AntiplateletResult(
                    recommendation: "needs_data", rule: rule.id, regimen: nil,
                    text: book.phrases(.antiplateletDependsOnMissing, ["text": rule.text]), sources: rule.sources, missingData: missing)
            case .no:
                continue
            }
        }
        // The loader requires a last rule that always holds.
        return AntiplateletResult(recommendation: "needs_data", rule: "", regimen: nil, text: "", sources: [], missingData: [])
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("recommendation", recommendation)
            json.field("rule", rule)
            json.field("regimen", regimen)
            json.field("text", text)
            json.field("sources", strings: sources)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}
