import Clinical
import Foundation
import Storage

/// A stroke episode as FHIR R4: the `Encounter`, the stroke as a `Condition`, the NIHSS at
/// arrival and the mRS at 90 days as `Observation`s, thrombolysis and thrombectomy as
/// `Procedure`s (thrombectomy's result as its mTICI grade) and the thrombolytic as a
/// `MedicationAdministration`.
struct FHIRAcuteResources {
    let codes: FHIRCodes

    func resources(_ episode: AcuteEpisode, mrs90: Int?, evaluations: [ChartEvaluation]) -> [FHIRResource] {
        let id = episode.id.fhirID
        let subject = FHIRJSON.reference("Patient", episode.patientId)
        let encounter = FHIRJSON.reference("Encounter", id)
        let conditionKey = "condition.\(episode.strokeType.rawValue)"
        var resources = [
            FHIRResource(
                "Encounter", id: id, patient: episode.patientId, start: episode.arrivalAt ?? episode.createdAt,
                [
                    // The service does not record when an acute episode ends.
                    ("status", .string("unknown")),
                    ("class", codes.coding("encounter.acute")),
                    ("type", codes.concept("encounter.acute").map { .array([$0]) }),
                    ("subject", subject),
                    ("period", FHIRJSON.object([("start", FHIRJSON.dateTime(episode.arrivalAt ?? episode.createdAt))])),
                    ("reasonReference", .array([FHIRJSON.reference("Condition", "stroke-\(id)")])),
                    ("serviceProvider", FHIRJSON.reference("Organization", episode.organisationId)),
                ]),
            FHIRResource(
                "Condition", id: "stroke-\(id)", patient: episode.patientId, start: episode.lastKnownWell ?? episode.createdAt,
                codes: codes.tokens(conditionKey),
                [
                    ("clinicalStatus", Self.hl7("condition-clinical", "active")),
                    ("verificationStatus", Self.hl7("condition-ver-status", episode.strokeType == .unknown ? "provisional" : "confirmed")),
                    ("category", .array([Self.hl7("condition-category", "encounter-diagnosis")])),
                    ("code", codes.concept(conditionKey)),
                    ("subject", subject),
                    ("encounter", encounter),
                    // Onset lies after the time last known well; it is that time only when witnessed.
                    episode.onsetWitnessed == true
                        ? ("onsetDateTime", FHIRJSON.dateTime(episode.lastKnownWell))
                        : ("onsetPeriod", episode.lastKnownWell.map { FHIRJSON.object([("start", FHIRJSON.dateTime($0))]) }),
                    ("recordedDate", FHIRJSON.dateTime(episode.createdAt)),
                ]),
        ]
        if let nihss = episode.nihssAtArrival {
            resources.append(score("nihss-\(id)", "observation.nihss_total", Double(nihss), at: episode.arrivalAt, episode))
        }
        if let mrs = mrs90 {
            resources.append(score("mrs90-\(id)", "observation.mrs", Double(mrs), at: nil, episode, note: "modified Rankin Scale 90 days after the stroke"))
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
            resources.append(
                FHIRResource(
                    "Procedure", id: "evt-\(id)", patient: episode.patientId, start: puncture, end: episode.reperfusionAt,
                    codes: codes.tokens("procedure.thrombectomy"),
                    [
                        ("status", .string("completed")), ("code", codes.concept("procedure.thrombectomy")), ("subject", subject),
                        ("encounter", encounter),
                        ("performedPeriod", FHIRJSON.object([("start", FHIRJSON.dateTime(puncture)), ("end", FHIRJSON.dateTime(episode.reperfusionAt))])),
                        ("outcome", episode.mtici.map { codes.concept("mtici.\($0)") ?? .object(["text": .string("mTICI \($0)")]) }),
                    ]))
        }
        return resources
    }

    /// The thrombolytic given at the needle time. The service records the agent and the time,
    /// not the syringe: the dose shown is the one the decision support computed for the
    /// weight entered, said as such, from the episode's last evaluation before the needle.
    private func administration(_ agent: String, at needle: Date, _ episode: AcuteEpisode, evaluations: [ChartEvaluation]) -> FHIRResource {
        let key = "medication.\(agent)"
        let computed = evaluations.last { $0.episodeId == episode.id && $0.evaluatedAt <= needle }.flatMap { Self.computedDose(agent, in: $0) }
        return FHIRResource(
            "MedicationAdministration", id: "ivt-drug-\(episode.id.fhirID)", patient: episode.patientId, start: needle, codes: codes.tokens(key),
            [
                ("status", .string("completed")),
                ("medicationCodeableConcept", codes.concept(key) ?? .object(["text": .string(agent)])),
                ("subject", FHIRJSON.reference("Patient", episode.patientId)),
                ("context", FHIRJSON.reference("Encounter", episode.id)),
                ("effectiveDateTime", FHIRJSON.dateTime(needle)),
                ("dosage", computed.map { .object(["text": .string($0)]) }),
            ])
    }

    /// "Dose computed by StrokePath at …: 72 mg (0.9 mg/kg, …)", from a stored answer.
    static func computedDose(_ agent: String, in evaluation: ChartEvaluation) -> String? {
        guard case .object(let answer)? = try? JSONParser.parse([UInt8](evaluation.output)), case .object(let doses)? = answer["doses"],
            case .object(let dose)? = doses[agent]
        else { return nil }
        let milligrams: Double? =
            switch agent {
            case "alteplase": dose["total_mg"].flatMap(\.number)
            default: dose["band_dose_mg"].flatMap(\.number)
            }
        guard let milligrams else { return nil }
        let regimen = dose["regimen"].flatMap(\.text).map { " (\($0))" } ?? ""
        return "Dose computed by StrokePath's decision support at \(FHIRJSON.format(evaluation.evaluatedAt)) from the weight entered: "
            + "\(milligrams.formatted(.number.precision(.fractionLength(0...1)))) mg\(regimen); the dose given is not recorded here."
    }

    private func score(_ id: String, _ key: String, _ value: Double, at time: Date?, _ episode: AcuteEpisode, note: String? = nil) -> FHIRResource {
        FHIRResource(
            "Observation", id: id, patient: episode.patientId, start: time, codes: codes.tokens(key),
            categories: codes.terminology.concepts[key]?.category.map { [$0] } ?? [],
            [
                ("status", .string("final")), ("category", codes.category(of: key)), ("code", codes.concept(key)),
                ("subject", FHIRJSON.reference("Patient", episode.patientId)), ("encounter", FHIRJSON.reference("Encounter", episode.id)),
                ("effectiveDateTime", FHIRJSON.dateTime(time)), ("valueQuantity", codes.quantity(value, of: key)),
                ("note", note.map { .array([.object(["text": .string($0)])]) }),
            ])
    }

    /// A code of an HL7 terminology code system as a `CodeableConcept`.
    static func hl7(_ system: String, _ code: String) -> JSONValue {
        .object(["coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/\(system)"), "code": .string(code)])])])
    }
}

extension JSONValue {
    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
