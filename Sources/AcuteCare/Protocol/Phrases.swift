import Clinical

/// The engine's own words around the protocol's statements (phrases.json): what it says of an
/// unknown value or a missing field, a thrombectomy answer's basis, a capped reversal dose, the
/// names of the published risks. Kept with the statements so a translation of the protocol
/// translates them too; the loader refuses a protocol that lacks one.
struct Phrases: Sendable {
    enum Key: String, CaseIterable, Sendable {
        case unknown, yes, no
        case notKnownSuffix = "not_known_suffix"
        case ivtNoPathway = "ivt_no_pathway"
        case ivtPathwayNotAssessed = "ivt_pathway_not_assessed"
        case ivtRuleNotKnown = "ivt_rule_not_known"
        case ivtRecentEventsUnconfirmed = "ivt_recent_events_unconfirmed"
        case evtBasisStatement = "evt_basis_statement"
        case evtBasisTrialCriteria = "evt_basis_trial_criteria"
        case evtBasisNoneNotRecommended = "evt_basis_none_not_recommended"
        case evtBasisNone = "evt_basis_none"
        case evtNeedsData = "evt_needs_data"
        case antiplateletDependsOnMissing = "antiplatelet_depends_on_missing"
        case bloodPressureNowLowerFirst = "bp_now_lower_first"
        case noAntithromboticTaken = "no_antithrombotic_taken"
        case noAntithromboticKnown = "no_antithrombotic_known"
        case reversalNeeds = "reversal_needs"
        case reversalNeedsBoth = "reversal_needs_both"
        case reversalCapped = "reversal_capped"
        case reversalOutsideBands = "reversal_outside_bands"
        case scoreIncomplete = "score_incomplete"
    }

    /// Each phrase by its id (`Key` raw values and `risk.<name>`).
    let texts: [String: String]

    /// The phrase `key` with its `{placeholders}` filled.
    func callAsFunction(_ key: Key, _ values: [String: String] = [:]) -> String {
        TextTemplate.fill(texts[key.rawValue] ?? key.rawValue, values)
    }

    /// A published risk's name (`risk.<name>`).
    func risk(_ name: String) -> String {
        texts["risk.\(name)"] ?? name
    }
}

extension ProtocolLoader {
    /// phrases.json: every `Phrases.Key`, and a name for each risk the scores publish.
    func readPhrases(_ document: [String: JSONValue], scores: [ScoreDefinition]) throws(ProtocolError) -> Phrases {
        let reader = ProtocolReader(file: "phrases.json")
        var texts: [String: String] = [:]
        for (id, value) in try reader.object(document["phrases"], "phrases") {
            texts[id] = try reader.string(try reader.object(value, "phrases.\(id)")["phrase"], "phrases.\(id).phrase")
        }
        let risks = scores.flatMap { score in score.risk.flatMap { $0.values.map(\.key) } + (score.logistic.map { [$0.key] } ?? []) }
        let needed = Set(Phrases.Key.allCases.map(\.rawValue) + risks.map { "risk.\($0)" })
        if let missing = needed.subtracting(texts.keys).sorted().first { throw reader.fail("phrases.\(missing)", "is missing") }
        if let unused = Set(texts.keys).subtracting(needed).sorted().first { throw reader.fail("phrases.\(unused)", "is not a phrase the engine uses") }
        return Phrases(texts: texts)
    }
}
