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
    public struct ExpectedOutcome: Sendable, JSONWritable {
        public var stroke: String
        public var noTreatment: OutcomeEstimate
        public var ivt: OutcomeEstimate?
        public var evt: OutcomeEstimate?
        public var ivtAndEvt: OutcomeEstimate?
        /// Drip-and-ship against mothership, when travel times were given.
        public var routing: RoutingComparison?

        public func write(to writer: inout JSONWriter) {
            writer.object { json in
                json.field("stroke", stroke)
                json.field("no_treatment", noTreatment)
                for (name, estimate) in [("ivt", ivt), ("evt", evt), ("ivt_and_evt", ivtAndEvt)] {
                    json.key(name)
                    if let estimate { estimate.write(to: &json) } else { json.null() }
                }
                json.key("routing")
                if let routing { routing.write(to: &json) } else { json.null() }
            }
        }
    }

    public var outcomeModel: String { book.outcome.model }

    public var bpPlan: [String: String] {
        BloodPressurePlan.plan(facts, book.bloodPressure, ivtPossible: ivt.treatmentPossible, evtPossible: evt.possible)
    }

    /// Every value a rule, score or dose needed and did not have.
    public var missingData: [MissingData] {
        ivt.missingData + doses.missingData + evt.missingData + scores.missingData
    }
}

extension AcuteEvaluation: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("profile", profile)
            json.field("protocol_version", protocolVersion)
            json.field("outcome_model", outcomeModel)
            json.field("ivt", ivt)
            json.field("doses", doses)
            json.field("evt", evt)
            json.field("bp_plan", bpPlan)
            json.field("scores", scores)
            json.field("expected_outcome", expectedOutcome)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
            json.field("ignored_fields", strings: ignoredFields)
        }
    }
}
