/// The thrombectomy answer: the recommendation under the chosen profile and under every
/// profile, each profile's guideline level, the trials whose criteria are all met, and for
/// each other trial enrolling this occlusion site the criteria that failed.
public struct ThrombectomyResult: Sendable, Encodable {
    public var recommendation: String
    public var recommendationByProfile: [String: String]
    public var trialCriteriaMet: [String]
    public var levels: [String: String]
    public var failedCriteria: [String: [String]]
    public var perfusion: Perfusion?
    public var missingData: [MissingData]

    public struct Perfusion: Sendable, Encodable {
        public var coreMl: Double
        public var hypoperfusionTmax6Ml: Double
        public var mismatchVolumeMl: Double?
        public var mismatchRatio: Double?

        enum CodingKeys: String, CodingKey {
            case coreMl = "core_ml", hypoperfusionTmax6Ml = "hypoperfusion_tmax6_ml"
            case mismatchVolumeMl = "mismatch_volume_ml", mismatchRatio = "mismatch_ratio"
        }
    }

    enum CodingKeys: String, CodingKey {
        case recommendation, recommendationByProfile = "recommendation_by_profile", trialCriteriaMet = "trial_criteria_met"
        case levels, failedCriteria = "failed_criteria", perfusion, missingData = "missing_data"
    }
}

enum ThrombectomyAssessment {
    static func assess(_ facts: Facts, protocol acute: AcuteProtocol, profile: String) -> ThrombectomyResult {
        let evt = acute.evt
        var result = ThrombectomyResult(
            recommendation: "not_applicable", recommendationByProfile: [:], trialCriteriaMet: [], levels: [:],
            failedCriteria: [:], perfusion: perfusion(facts), missingData: []
        )
        switch evt.applicable.evaluate(facts) {
        case .no:
            for id in acute.profiles.map(\.id) {
                result.recommendationByProfile[id] = "not_applicable"
                result.levels[id] = "none"
            }
            result.failedCriteria["all"] = [evt.notApplicableText]
            return result
        case .unknown:
            result.missingData = evt.applicable.unknownFacts(facts).map { MissingData(field: $0.definition.name, neededBy: "EVT", blocking: true) }
            result.recommendation = "needs_data"
            for id in acute.profiles.map(\.id) { result.recommendationByProfile[id] = "needs_data" }
            return result
        case .yes:
            break
        }
        let site = facts.code(.imagingOcclusionSite)
        var met = Array(repeating: false, count: evt.trials.count)
        for (index, trial) in evt.trials.enumerated() where site.map(trial.sites.contains) ?? false {
            let failed = trial.criteria.filter { $0.condition.evaluate(facts) != .yes }
            if failed.isEmpty {
                met[index] = true
                result.trialCriteriaMet.append(trial.id)
            } else {
                result.failedCriteria[trial.id] = failed.map { criterion in
                    let unknown = criterion.condition.unknownFacts(facts).map(\.definition.name)
                    return TextTemplate.render(criterion.fails, facts) + (unknown.isEmpty ? "" : " (not known: \(unknown.joined(separator: ", ")))")
                }
            }
        }
        for candidate in acute.profiles.map(\.id) {
            let statement = evt.statements[candidate]?.first { $0.condition.evaluate(facts, trials: met) == .yes }
            result.levels[candidate] = statement?.level ?? "none"
            result.recommendationByProfile[candidate] = statement?.recommendation
                ?? (result.trialCriteriaMet.isEmpty ? evt.otherwise : evt.withTrialMet)
        }
        result.recommendation = result.recommendationByProfile[profile] ?? evt.otherwise
        return result
    }

    private static func perfusion(_ facts: Facts) -> ThrombectomyResult.Perfusion? {
        guard let core = facts.number(.imagingCoreMl), let hypoperfusion = facts.number(.imagingHypoperfusionTmax6Ml) else { return nil }
        return .init(coreMl: core, hypoperfusionTmax6Ml: hypoperfusion, mismatchVolumeMl: facts.number(.perfusionMismatchVolumeMl),
                     mismatchRatio: facts.number(.perfusionMismatchRatio).map { ($0 * 1000).rounded() / 1000 })
    }
}
