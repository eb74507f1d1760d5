import Clinical
import Storage

/// Clinician-rated assessments (FM-UE, NIHSS, mRS, Barthel, SAFE, MEP) as FHIR `Observation`s.
struct FHIRAssessmentResources {
    let codes: FHIRCodes

    static func key(_ instrument: Instrument) -> String {
        switch instrument {
        case .fmUE: "observation.fm_ue"
        case .nihss: "observation.nihss_total"
        case .mrs: "observation.mrs"
        case .barthel: "observation.barthel"
        case .safe: "observation.safe"
        case .mep: "observation.mep"
        }
    }

    func resource(_ observation: RecoveryObservation) -> FHIRResource? {
        guard let id = observation.id else { return nil }
        let key = Self.key(observation.instrument)
        let value: (String, JSONValue) =
            observation.instrument == .mep
            ? ("valueBoolean", .bool(observation.value == 1)) : ("valueQuantity", codes.quantity(Double(observation.value), of: key))
        return FHIRResource(
            "Observation", id: id.fhirID, patient: observation.patientId, start: observation.observedAt, codes: codes.tokens(key),
            categories: codes.terminology.concepts[key]?.category.map { [$0] } ?? [],
            [
                ("status", .string("final")), ("category", codes.category(of: key)), ("code", codes.concept(key)),
                ("subject", FHIRJSON.reference("Patient", observation.patientId)), ("effectiveDateTime", FHIRJSON.dateTime(observation.observedAt)),
                ("performer", observation.organisationId.map { .array([FHIRJSON.reference("Organization", $0)]) }), value,
                ("note", observation.note.map { .array([.object(["text": .string($0)])]) }),
            ])
    }
}
