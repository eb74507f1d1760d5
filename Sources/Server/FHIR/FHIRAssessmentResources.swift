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
        let observations = FHIRObservation(codes: codes)
        let value: [(String, JSONValue?)] =
            observation.instrument == .mep ? [("valueBoolean", .bool(observation.value == 1))] : observations.quantity(Double(observation.value), of: key)
        return observations.make(
            id: id.fhirID, key, patient: observation.patientId, encounter: nil, at: observation.observedAt, value: value,
            performer: observation.organisationId, notes: observation.note.map { [$0] } ?? [])
    }
}
