import AcuteCare
import Clinical
import Foundation
import Storage

/// An acute evaluation as FHIR R4: the measurements entered for it (NIHSS with its items,
/// blood pressure, glucose, INR, weight) as `Observation`s at the time of the evaluation, the
/// answer as a `GuidanceResponse` naming the protocol, the guideline profile and the rules
/// that decided (thrombolysis pathway and status, thrombectomy recommendation, missing data),
/// and the outcome model's expected outcome of each treatment as a `RiskAssessment`.
struct FHIREvaluationResources {
    let codes: FHIRCodes

    /// The NIHSS items in the order of the scale.
    static let nihssItems = ["1a", "1b", "1c", "2", "3", "4", "5a", "5b", "6a", "6b", "7", "8", "9", "10", "11"]

    /// The evaluation's resources; its measurements only when `measurements` (the episode's
    /// latest evaluation: an earlier one's entries are not new measurements).
    func resources(_ evaluation: ChartEvaluation, patient: UUID, measurements: Bool) -> [FHIRResource] {
        let measured = measurements ? self.measurements(evaluation, patient: patient) : []
        // The stored answer, read once for the guidance and the risks.
        let answer = (try? JSONParser.parse([UInt8](evaluation.output)))?.object ?? [:]
        return measured + [guidance(evaluation, answer: answer, patient: patient, reasons: measured.map(\.reference))]
            + (risks(evaluation, answer: answer, patient: patient).map { [$0] } ?? [])
    }

    /// What was entered for the evaluation, at its time, said as entered.
    private func measurements(_ evaluation: ChartEvaluation, patient: UUID) -> [FHIRResource] {
        guard case .object(let input)? = try? JSONParser.parse([UInt8](evaluation.input)) else { return [] }
        let base = evaluation.id.fhirID
        let observations = FHIRObservation(codes: codes)
        let note = "As entered for the acute evaluation \(base) (a weight may be estimated)."
        func observation(_ suffix: String, _ key: String, _ value: [(String, JSONValue?)]) -> FHIRResource {
            observations.make(
                id: "\(base)-\(suffix)", key, patient: patient, encounter: evaluation.episodeId, at: evaluation.evaluatedAt, value: value, notes: [note])
        }
        var resources: [FHIRResource] = []
        if let total = input["nihss"]?.number {
            let items = input["nihss_items"]?.object ?? [:]
            let components = Self.nihssItems.compactMap { item in items[item]?.number.flatMap { observations.component("observation.nihss_item.\(item)", $0) } }
            resources.append(
                observation(
                    "nihss", "observation.nihss_total", observations.quantity(total, of: "observation.nihss_total") + [("component", .array(components))]))
        }
        let pressure = input["bp"]?.object ?? [:]
        let systolic = pressure["systolic"]?.number
        let diastolic = pressure["diastolic"]?.number
        if systolic != nil || diastolic != nil {
            // Both components always, one with its reason when only the other was entered (the vital-signs profile).
            let components = [observations.component("observation.bp_systolic", systolic), observations.component("observation.bp_diastolic", diastolic)]
            resources.append(observation("bp", "observation.bp_panel", [("component", .array(components.compactMap { $0 }))]))
        }
        let glucose: (String, Double)? =
            input["glucose_mmol_l"]?.number.map { ("observation.glucose_mmol", $0) } ?? input["glucose_mg_dl"]?.number.map { ("observation.glucose_mg", $0) }
        if let (key, value) = glucose { resources.append(observation("glucose", key, observations.quantity(value, of: key))) }
        if let inr = input["labs"]?.object?["inr"]?.number {
            resources.append(observation("inr", "observation.inr", observations.quantity(inr, of: "observation.inr")))
        }
        if let weight = input["weight_kg"]?.number {
            resources.append(observation("weight", "observation.weight", observations.quantity(weight, of: "observation.weight")))
        }
        return resources
    }

    /// The system of the acute presentation's fields (`history.gi_bleed_days_ago`), for what is missing.
    static let inputFieldSystem = "https://strokepath.se/fhir/CodeSystem/acute-input"

    /// A datum the rules needed and did not have, named by its field of the presentation.
    private static func requirement(_ field: String) -> JSONValue {
        .object([
            "type": .string("Observation"),
            "codeFilter": .array([
                .object(["path": .string("code"), "code": .array([.object(["system": .string(inputFieldSystem), "code": .string(field)])])])
            ]),
        ])
    }

    /// The treatments the outcome model weighed, in the answer's order.
    static let treatments = [
        ("no_treatment", "no reperfusion treatment"), ("ivt", "thrombolysis"), ("evt", "thrombectomy"), ("ivt_and_evt", "thrombolysis and thrombectomy"),
    ]

    /// The expected chance of independence (mRS 0–2) at 90 days with each treatment the outcome
    /// model weighed, or nil when it weighed none.
    private func risks(_ evaluation: ChartEvaluation, answer: [String: JSONValue], patient: UUID) -> FHIRResource? {
        guard let expected = answer["expected_outcome"]?.object else { return nil }
        let predictions: [JSONValue] = Self.treatments.compactMap { key, name in
            guard let option = expected[key]?.object, let probabilities = option["mrs_probabilities"]?.array?.compactMap(\.number),
                probabilities.count == 7
            else { return nil }
            let independent = OutcomeEstimate.independence(probabilities)
            let mean = option["mean_mrs"]?.number.map { String(format: "%.1f", $0) } ?? "unknown"
            return FHIRJSON.object([
                ("outcome", codes.concept("outcome.mrs_0_2_at_90d")),
                ("probabilityDecimal", .number((independent * 1000).rounded() / 1000)),
                ("rationale", .string("With \(name): expected mean mRS \(mean) at 90 days.")),
            ])
        }
        guard !predictions.isEmpty else { return nil }
        let model = answer["outcome_model"]?.text ?? "the outcome model"
        return FHIRResource(
            "RiskAssessment", id: "\(evaluation.id.fhirID)-outcome", patient: patient, start: evaluation.evaluatedAt,
            [
                ("status", .string("final")),
                ("method", .object(["text": .string("StrokePath outcome model \(model)")])),
                ("subject", FHIRJSON.reference("Patient", patient)),
                ("encounter", evaluation.episodeId.map { FHIRJSON.reference("Encounter", $0) }),
                ("occurrenceDateTime", FHIRJSON.dateTime(evaluation.evaluatedAt)),
                ("basis", .array([FHIRJSON.reference("GuidanceResponse", evaluation.id)])),
                ("prediction", .array(predictions)),
                (
                    "note",
                    .array([.object(["text": .string("Population estimates from the outcome model for this presentation, not a promise for one patient.")])])
                ),
            ])
    }

    /// The answer: which protocol and profile, thrombolysis status with its pathway, the
    /// thrombectomy recommendation, and the data the rules still needed.
    private func guidance(_ evaluation: ChartEvaluation, answer: [String: JSONValue], patient: UUID, reasons: [String]) -> FHIRResource {
        var notes = ["Thrombolysis: \(evaluation.ivtStatus.replacingOccurrences(of: "_", with: " "))."]
        let ivt = answer["ivt"]?.object ?? [:]
        if let pathway = ivt["pathway"]?.text {
            let title = ivt["pathway_title"]?.text.map { ": \($0)" } ?? ""
            let evidence = ivt["pathway_evidence"]?.text.map { " (\($0))" } ?? ""
            notes.append("Thrombolysis pathway \(pathway)\(title)\(evidence).")
        }
        for reason in (ivt["absolute_contraindications"]?.array ?? []).compactMap({ $0.text ?? $0.object?["text"]?.text }) {
            notes.append("Contraindication: \(reason)")
        }
        if let rule = answer["evt"]?.object?["basis"]?.text { notes.append("Thrombectomy basis: \(rule)") }
        let needed = (answer["missing_data"]?.array ?? []).compactMap(\.object)
        let missing = needed.compactMap { $0["field"]?.text }
        let blocked = needed.contains { $0["blocking"] == .bool(true) }
        notes.append("Thrombectomy: \(evaluation.evtRecommendation.replacingOccurrences(of: "_", with: " ")).")
        return FHIRResource(
            "GuidanceResponse", id: evaluation.id.fhirID, patient: patient, start: evaluation.evaluatedAt, codes: codes.tokens("guidance.acute_evaluation"),
            [
                ("identifier", .array([.object(["system": .string("urn:ietf:rfc:3986"), "value": .string("urn:uuid:\(evaluation.id.fhirID)")])])),
                (
                    "moduleCodeableConcept",
                    FHIRJSON.object([
                        ("coding", codes.coding("guidance.acute_evaluation").map { .array([$0]) }),
                        ("text", .string("StrokePath acute protocol \(evaluation.protocolVersion), guideline profile \(evaluation.profile)")),
                    ])
                ),
                ("status", .string(blocked ? "data-required" : "success")),
                ("subject", FHIRJSON.reference("Patient", patient)),
                ("encounter", evaluation.episodeId.map { FHIRJSON.reference("Encounter", $0) }),
                ("occurrenceDateTime", FHIRJSON.dateTime(evaluation.evaluatedAt)),
                ("reasonReference", .array(reasons.map { .object(["reference": .string($0)]) })),
                ("note", .array(notes.map { .object(["text": .string($0)]) })),
                ("dataRequirement", .array(missing.map(Self.requirement))),
            ])
    }
}
