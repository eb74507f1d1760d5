/// Everything the acute team gets back for one presentation: IVT, doses, EVT, the
/// blood-pressure plan, the scores and the expected outcome for each option, with the
/// profile, protocol and model versions that produced it. Decisions are made when it is
/// built; texts are rendered when read or encoded.
public struct AcuteEvaluation: Sendable {
    let book: RuleBook
    let facts: Facts
    public let profile: String
    public let protocolVersion: String
    public let ivt: ThrombolysisResult
    public let doses: DoseResult
    public let evt: ThrombectomyResult
    public let scores: ScoreResults
    public let expectedOutcome: ExpectedOutcome
    public let ignoredFields: [String]

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

    public var outcomeModel: String { book.outcome.model }

    public var bpPlan: [String: String] {
        BloodPressurePlan.plan(facts, book.bloodPressure, ivtPossible: ivt.treatmentPossible, evtPossible: evt.possible)
    }

    /// Every value a rule, score or dose needed and did not have.
    public var missingData: [MissingData] {
        ivt.missingData + doses.missingData + evt.missingData + book.scores.flatMap { scores[$0.id]?.missingData ?? [] }
    }
}

extension AcuteEvaluation: Encodable {
    enum CodingKeys: String, CodingKey {
        case profile, protocolVersion = "protocol_version", outcomeModel = "outcome_model", ivt, doses, evt
        case bpPlan = "bp_plan", scores, expectedOutcome = "expected_outcome", missingData = "missing_data"
        case ignoredFields = "ignored_fields"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(protocolVersion, forKey: .protocolVersion)
        try container.encode(outcomeModel, forKey: .outcomeModel)
        try container.encode(ivt, forKey: .ivt)
        try container.encode(doses, forKey: .doses)
        try container.encode(evt, forKey: .evt)
        try container.encode(bpPlan, forKey: .bpPlan)
        try container.encode(scores, forKey: .scores)
        try container.encode(expectedOutcome, forKey: .expectedOutcome)
        try container.encode(missingData, forKey: .missingData)
        try container.encode(ignoredFields, forKey: .ignoredFields)
    }
}
