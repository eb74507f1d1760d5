import Clinical
import Foundation
import Storage

/// A stroke episode as FHIR R4: the `Encounter`, the stroke as a `Condition`, the NIHSS at
/// arrival and the mRS at 90 days as `Observation`s, thrombolysis and thrombectomy as
/// `Procedure`s (thrombectomy's result as its mTICI grade) and the thrombolytic as a
/// `MedicationAdministration`. Only what is recorded is said: no end of the episode, no dose
/// given, no day of the follow-up.
struct FHIRAcuteResources {
    let codes: FHIRCodes

    func resources(_ episode: AcuteEpisode, mrs90: Int?, evaluations: [ChartEvaluation]) -> [FHIRResource] {
        let id = episode.id.fhirID
        let subject = FHIRJSON.reference("Patient", episode.patientId)
        let encounter = FHIRJSON.reference("Encounter", id)
        let conditionKey = "condition.\(episode.strokeType.rawValue)"
        let observations = FHIRObservation(codes: codes)
        // Onset lies after the time last known well (and before arrival); it is that time only when witnessed.
        let onset: (String, JSONValue?) =
            episode.onsetWitnessed == true
            ? ("onsetDateTime", FHIRJSON.dateTime(episode.lastKnownWell))
            : (
                "onsetPeriod",
                episode.lastKnownWell.map { FHIRJSON.object([("start", FHIRJSON.dateTime($0)), ("end", FHIRJSON.dateTime(episode.arrivalAt))]) }
            )
        var resources = [
            FHIRResource(
                "Encounter", id: id, patient: episode.patientId, start: episode.arrivalAt, end: episode.arrivalAt.map { _ in .distantFuture },
                [
                    // The service does not record when an acute episode ends.
                    ("status", .string("unknown")),
                    ("class", codes.coding("encounter.acute")),
                    ("type", codes.concept("encounter.acute").map { .array([$0]) }),
                    ("subject", subject),
                    ("period", FHIRJSON.object([("start", FHIRJSON.dateTime(episode.arrivalAt))])),
                    ("reasonReference", .array([FHIRJSON.reference("Condition", "stroke-\(id)")])),
                    ("serviceProvider", FHIRJSON.reference("Organization", episode.organisationId)),
                ]),
            FHIRResource(
                "Condition", id: "stroke-\(id)", patient: episode.patientId, start: episode.lastKnownWell, codes: codes.tokens(conditionKey),
                [] + Self.conditionStatus(episode.strokeType) + [
                    ("code", codes.concept(conditionKey)),
                    ("subject", subject),
                    ("encounter", encounter),
                    onset,
                    ("recordedDate", FHIRJSON.dateTime(episode.createdAt)),
                ]),
        ]
        if let nihss = episode.nihssAtArrival {
            resources.append(
                observations.make(
                    id: "nihss-\(id)", "observation.nihss_total", patient: episode.patientId, encounter: episode.id, at: episode.arrivalAt,
                    value: observations.quantity(Double(nihss), of: "observation.nihss_total"), notes: ["NIHSS at arrival."]))
        }
        if let mrs = mrs90 {
            // The follow-up is not part of the acute encounter, and its day is not recorded.
            resources.append(
                observations.make(
                    id: "mrs90-\(id)", "observation.mrs", patient: episode.patientId, encounter: nil, at: nil,
                    value: observations.quantity(Double(mrs), of: "observation.mrs"),
                    notes: ["Modified Rankin Scale 90 days after the stroke of episode \(id) (the day of the follow-up is not recorded)."]))
        }
        if let needle = episode.needleAt {
            resources.append(
                FHIRResource(
                    "Procedure", id: "ivt-\(id)", patient: episode.patientId, start: needle, codes: codes.tokens("procedure.thrombolysis"),
                    [
                        ("status", .string("completed")), ("code", codes.concept("procedure.thrombolysis")), ("subject", subject),
                        ("encounter", encounter), ("performedDateTime", FHIRJSON.dateTime(needle)),
                    ]))
        }
        if let agent = episode.thrombolytic, let needle = episode.needleAt {
            resources.append(administration(agent, at: needle, episode, evaluations: evaluations))
        }
        if let puncture = episode.groinPunctureAt {
            let reperfusion = episode.reperfusionAt.map { "Reperfusion at \(FHIRJSON.format($0))." }
            resources.append(
                FHIRResource(
                    "Procedure", id: "evt-\(id)", patient: episode.patientId, start: puncture, codes: codes.tokens("procedure.thrombectomy"),
                    [
                        ("status", .string("completed")), ("code", codes.concept("procedure.thrombectomy")), ("subject", subject),
                        ("encounter", encounter), ("performedDateTime", FHIRJSON.dateTime(puncture)),
                        ("outcome", episode.mtici.map { codes.concept("mtici.\($0)") ?? .object(["text": .string("mTICI \($0)")]) }),
                        ("note", .array([reperfusion].compactMap { $0 }.map { .object(["text": .string($0)]) })),
                    ]))
        }
        return resources
    }

    /// The thrombolytic started at the needle time. The service records the agent and the time,
    /// not the syringe: no dose is claimed as given. Tenecteplase is one bolus (completed); an
    /// alteplase infusion's end is not recorded (unknown). The dose the decision support offered
    /// in the episode's last evaluation before the needle is in a note, said as such.
    private func administration(_ agent: String, at needle: Date, _ episode: AcuteEpisode, evaluations: [ChartEvaluation]) -> FHIRResource {
        let key = "medication.\(agent)"
        let computed = evaluations.last { $0.episodeId == episode.id && $0.evaluatedAt <= needle }.flatMap { Self.offeredDose(agent, in: $0) }
        let notes = [agent == "alteplase" ? "The end of the infusion is not recorded." : nil, computed].compactMap { $0 }
        return FHIRResource(
            "MedicationAdministration", id: "ivt-drug-\(episode.id.fhirID)", patient: episode.patientId, start: needle, codes: codes.tokens(key),
            [
                ("status", .string(agent == "tenecteplase" ? "completed" : "unknown")),
                ("medicationCodeableConcept", codes.concept(key) ?? .object(["text": .string(agent)])),
                ("subject", FHIRJSON.reference("Patient", episode.patientId)),
                ("context", FHIRJSON.reference("Encounter", episode.id)),
                ("effectiveDateTime", FHIRJSON.dateTime(needle)),
                ("note", .array(notes.map { .object(["text": .string($0)]) })),
            ])
    }

    /// "The decision support offered 72 mg (…) at …", from a stored answer that offered the agent
    /// with a dose that applies; nil otherwise.
    static func offeredDose(_ agent: String, in evaluation: ChartEvaluation) -> String? {
        guard case .object(let answer)? = try? JSONParser.parse([UInt8](evaluation.output)), case .object(let doses)? = answer["doses"],
            doses["dose_applicable"] == .bool(true), case .object(let dose)? = doses[agent], dose["offered"] == .bool(true)
        else { return nil }
        let milligrams: Double? =
            switch agent {
            case "alteplase": dose["total_mg"]?.number
            default: dose["band_dose_mg"]?.number
            }
        guard let milligrams else { return nil }
        let regimen = dose["regimen"]?.text.map { " (\($0))" } ?? ""
        return "StrokePath's decision support offered \(String(format: "%.1f", milligrams)) mg\(regimen) at \(FHIRJSON.format(evaluation.evaluatedAt)), "
            + "from the weight entered; the dose given is not recorded here."
    }

    /// A stroke's clinical and verification status and category: a TIA has resolved by
    /// definition; a stroke of unknown type is provisional.
    static func conditionStatus(_ type: StrokeType) -> [(String, JSONValue?)] {
        [
            ("clinicalStatus", hl7("condition-clinical", type == .tia ? "resolved" : "active")),
            ("verificationStatus", hl7("condition-ver-status", type == .unknown ? "provisional" : "confirmed")),
            ("category", .array([hl7("condition-category", "encounter-diagnosis")])),
        ]
    }

    /// A code of an HL7 terminology code system as a `CodeableConcept`.
    static func hl7(_ system: String, _ code: String) -> JSONValue {
        .object(["coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/\(system)"), "code": .string(code)])])])
    }
}
