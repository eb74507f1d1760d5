public import Foundation

/// Everything the service holds on one patient, as one transaction under row-level security
/// saw it: what the FHIR façade's resources of the patient are made of.
public struct PatientChart: Sendable {
    public var patient: Patient
    /// The organisations the chart's rows name (the patient's, each episode's and stay's).
    public var organisations: [ChartOrganisation]
    public var episodes: [AcuteEpisode]
    /// The modified Rankin Scale 90 days after the stroke, by episode, where followed up.
    public var mrs90: [UUID: Int]
    /// The acute evaluations of the patient's episodes, oldest first.
    public var evaluations: [ChartEvaluation]
    /// Clinician-rated assessments (withdrawn ones left out), oldest first.
    public var observations: [RecoveryObservation]
    public var stays: [RehabStay]
    public var prescriptions: [RehabPrescription]
}

/// An organisation as an exchange names it.
public struct ChartOrganisation: Sendable, Equatable {
    public var id: UUID
    public var parentId: UUID?
    /// region, hospital, rehab_clinic or unit.
    public var kind: String
    public var code: String
    public var name: String
}

/// An acute evaluation as given and answered (the request and the answer as stored JSON).
public struct ChartEvaluation: Sendable {
    public var id: UUID
    public var organisationId: UUID
    public var episodeId: UUID?
    public var evaluatedAt: Date
    public var profile: String
    public var protocolVersion: String
    public var ivtStatus: String
    public var evtRecommendation: String
    public var input: Data
    public var output: Data
}

/// The kinds of row a chart's resources are made from, for finding the patient of a resource id.
public enum ChartRow: Sendable {
    case patient, episode, stay, observation, evaluation, prescription
    /// An acute episode or a rehab stay.
    case encounter
}
