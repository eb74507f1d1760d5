public import Clinical

/// Everything the acute team gets back for one presentation: IVT, doses, EVT, the
/// blood-pressure plan, the scores and the expected outcome for each option, with the
/// profile, protocol and model versions that produced it. Decisions are made when it is
/// built; texts are rendered when read or encoded.
public struct AcuteEvaluation: Sendable {
    let book: RuleBook
    let facts: Facts
    public let profile: String
    /// What the answer must say about its profile: superseded by a newer one, or not yet read in full.
    public let profileNotices: [String]
    public let protocolVersion: String
    public let ivt: ThrombolysisResult
    public let doses: DoseResult
    public let evt: ThrombectomyResult
    public let scores: ScoreResults
    /// What to do now for an intracerebral haemorrhage; nil when the imaging shows none.
    public let hemorrhage: HemorrhageResult?
    /// Antiplatelet therapy now: dual, single, none or needs_data, with its regimen.
    public let antiplatelet: AntiplateletResult
    /// Possible mimics and cautions: they inform, they never change a decision.
    public let mimics: [AnswerNote]
    /// The orders to follow if IVT is given; nil when IVT is not on the table.
    public let orders: OrdersResult?
    public let expectedOutcome: ExpectedOutcome
    public let ignoredFields: [String]

    /// The outcome model's answer for no treatment and each reperfusion option on the table;
    /// nil, with the reason in `notEstimated`, where the model does not cover the patient.
    public struct ExpectedOutcome: Sendable, JSONWritable {
        let book: RuleBook
        public var stroke: String
        public var noTreatment: OutcomeEstimate?
        public var ivt: OutcomeEstimate?
        public var evt: OutcomeEstimate?
        public var ivtAndEvt: OutcomeEstimate?
        let notEstimated: [(option: String, reason: OutcomeScope.Reason)]
        /// Drip-and-ship against mothership, when travel times were given.
        public var routing: RoutingComparison?

        /// Why each option on the table has no estimate, by option (no_treatment, ivt, evt, ivt_and_evt).
        public var notEstimatedReasons: [String: String] {
            Dictionary(notEstimated.map { ($0.option, book.outcome.scope.text($0.reason, book.outcome, pathways: book.ivt.pathways)) }) { first, _ in first }
        }

        public func write(to writer: inout JSONWriter) {
            writer.object { json in
                json.field("stroke", stroke)
                for (name, estimate) in [("no_treatment", noTreatment), ("ivt", ivt), ("evt", evt), ("ivt_and_evt", ivtAndEvt)] {
                    json.key(name)
                    if let estimate { estimate.write(to: &json) } else { json.null() }
                }
                json.field("not_estimated", notEstimatedReasons)
                json.key("routing")
                if let routing { routing.write(to: &json) } else { json.null() }
            }
        }
    }

    public var outcomeModel: String { book.outcome.model }

    /// The blood-pressure plan; for a haemorrhage, its target instead of the permissive
    /// targets of a stroke without reperfusion.
    public var bpPlan: [String: String] {
        if let hemorrhage { return ["intracerebral_hemorrhage": hemorrhage.bloodPressure.text] }
        return BloodPressurePlan.plan(facts, book.bloodPressure, book.phrases, ivtPossible: ivt.treatmentPossible, evtPossible: evt.possible)
    }

    /// Every value a rule, score, dose or the haemorrhage block needed and did not have.
    public var missingData: [MissingData] {
        var missing = ivt.missingData + doses.missingData + evt.missingData + scores.missingData
        for item in (hemorrhage?.missingData ?? []) + antiplatelet.missingData + (orders?.missingData ?? []) where !missing.contains(item) {
            missing.append(item)
        }
        return missing
    }
}

extension AcuteEvaluation: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("profile", profile)
            json.field("profile_notices", strings: profileNotices)
            json.field("protocol_version", protocolVersion)
            json.field("outcome_model", outcomeModel)
            json.field("ivt", ivt)
            json.field("doses", doses)
            json.field("evt", evt)
            json.field("bp_plan", bpPlan)
            json.field("scores", scores)
            json.key("hemorrhage")
            if let hemorrhage { hemorrhage.write(to: &json) } else { json.null() }
            json.field("antiplatelet", antiplatelet)
            json.key("mimics")
            json.array(mimics) { $1.write(to: &$0) }
            json.key("orders")
            if let orders { orders.write(to: &json) } else { json.null() }
            json.field("expected_outcome", expectedOutcome)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
            json.field("ignored_fields", strings: ignoredFields)
        }
    }
}
