/// Everything the acute team gets back for one presentation: IVT, doses, EVT, the
/// blood-pressure plan, the scores and the expected outcome for each option, with the
/// profile, protocol and model versions that produced it.
public struct AcuteEvaluation: Sendable, Encodable {
    public var profile: String
    public var protocolVersion: String
    public var outcomeModel: String
    public var ivt: ThrombolysisResult
    public var doses: DoseResult
    public var evt: ThrombectomyResult
    public var bpPlan: [String: String]
    public var scores: [String: ScoreResult]
    public var expectedOutcome: ExpectedOutcome
    /// Every value a rule, score or dose needed and did not have.
    public var missingData: [MissingData]
    public var ignoredFields: [String]

    /// The outcome model's answer for no treatment and each reperfusion option on the table.
    public struct ExpectedOutcome: Sendable, Encodable {
        public var stroke: String
        public var noTreatment: OutcomeEstimate
        public var ivt: OutcomeEstimate?
        public var evt: OutcomeEstimate?
        public var ivtAndEvt: OutcomeEstimate?

        enum CodingKeys: String, CodingKey {
            case stroke, noTreatment = "no_treatment", ivt, evt, ivtAndEvt = "ivt_and_evt"
        }
    }

    enum CodingKeys: String, CodingKey {
        case profile, protocolVersion = "protocol_version", outcomeModel = "outcome_model", ivt, doses, evt
        case bpPlan = "bp_plan", scores, expectedOutcome = "expected_outcome", missingData = "missing_data"
        case ignoredFields = "ignored_fields"
    }
}

/// A profile the request named that the protocol does not have.
public struct UnknownProfile: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String { "unknown profile \(name) (known: \(known.joined(separator: ", ")))" }
}

/// Evaluates presentations against a loaded protocol. Pure: no I/O, no clock.
public struct AcuteEvaluator: Sendable {
    public let acute: AcuteProtocol
    private let outcome: OutcomeModel

    public init(protocol acute: AcuteProtocol) {
        self.acute = acute
        outcome = OutcomeModel(protocol: acute)
    }

    public func evaluate(_ presentation: Presentation, profile requested: String? = nil) throws(UnknownProfile) -> AcuteEvaluation {
        guard let profile = acute.profile(requested)?.id else {
            throw UnknownProfile(name: requested ?? "", known: acute.profiles.map(\.id))
        }
        var facts = presentation.facts
        let ivt = ThrombolysisAssessment.assess(&facts, protocol: acute, profile: profile)
        let doses = DoseCalculator.doses(facts, acute.doses, applicable: ivt.treatmentPossible)
        let evt = ThrombectomyAssessment.assess(facts, protocol: acute, profile: profile)
        let evtPossible = ["recommended", "reasonable", "may_be_considered"].contains(evt.recommendation)
        var scores: [String: ScoreResult] = [:]
        for definition in acute.scores {
            scores[definition.id] = ScoreCalculator.score(definition, facts)
        }
        let lvo = facts.code(.imagingOcclusionSite).map(acute.outcome.lvoSites.contains) ?? false
        let needle = ivt.treatmentPossible ? facts.number(.timesLkwToDecisionMin) : nil
        let puncture = evtPossible ? facts.number(.timesLkwToPunctureMin) : nil
        let expected = AcuteEvaluation.ExpectedOutcome(
            stroke: lvo ? "lvo" : "nlvo",
            noTreatment: outcome.estimate(lvo: lvo, needle: nil, puncture: nil),
            ivt: needle.map { outcome.estimate(lvo: lvo, needle: $0, puncture: nil) },
            evt: puncture.map { outcome.estimate(lvo: true, needle: nil, puncture: $0) },
            ivtAndEvt: needle.flatMap { needle in puncture.map { outcome.estimate(lvo: true, needle: needle, puncture: $0) } }
        )
        return AcuteEvaluation(
            profile: profile, protocolVersion: acute.version, outcomeModel: outcome.version, ivt: ivt, doses: doses, evt: evt,
            bpPlan: BloodPressurePlan.plan(facts, acute.bloodPressure, ivtPossible: ivt.treatmentPossible, evtPossible: evtPossible),
            scores: scores, expectedOutcome: expected,
            missingData: ivt.missingData + doses.missingData + evt.missingData + acute.scores.flatMap { scores[$0.id]?.missingData ?? [] },
            ignoredFields: presentation.ignoredFields
        )
    }

    /// The outcome model alone, for `strokepath acute outcome`.
    public var outcomeModel: OutcomeModel { outcome }
}
