public import Foundation

/// What the service holds on one patient, as one read-only snapshot under row-level security saw
/// it (the parts the caller's role may read): what the FHIR façade's resources of the patient are
/// made of.
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
    /// The rehab sessions the patient was booked into (cancelled ones too), oldest first.
    public var sessions: [ChartSession]
    /// The therapists and rooms of those sessions the caller may see (their clinic's).
    public var therapists: [ChartTherapist]
    public var rooms: [ChartRoom]
}

/// A rehab session as one patient took part in it (or was booked and cancelled): never the
/// session's other participants.
public struct ChartSession: Sendable {
    /// The session as its clinic's timetable offers it.
    public var slot: ChartSlot
    /// The patient's place was cancelled.
    public var placeCancelled: Bool
    /// "attended" or "no_show", when recorded.
    public var attendance: String?
    public var minutesDelivered: Int?
    public var prescriptionId: UUID?
}

/// A therapist as a directory names them.
public struct ChartTherapist: Sendable {
    public var id: UUID
    public var organisationId: UUID
    public var code: String
    public var name: String
    public var role: String
    public var skills: [String]
    public var active: Bool
}

/// A room, pool or bath of a clinic.
public struct ChartRoom: Sendable {
    public var id: UUID
    public var organisationId: UUID
    public var code: String
    public var name: String
    public var type: String
    public var capacity: Int
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

/// A session as a clinic's timetable offers it: its time, room, therapist and places (how
/// many are taken, never by whom).
public struct ChartSlot: Sendable {
    public var id: UUID
    public var organisationId: UUID
    public var modality: String
    public var therapistId: UUID?
    public var roomId: UUID
    public var start: Date
    public var end: Date
    public var maxParticipants: Int
    /// The places taken (not cancelled), counted, never named.
    public var taken: Int
    /// The session was cancelled (for everyone).
    public var cancelled: Bool
}

/// The parts of a chart beyond the patient, the acute episodes and the assessments, each read
/// only for the roles that may read it in the API: the acute evaluations for the stroke team,
/// the rehab stays, prescriptions and sessions for rehab staff.
public struct ChartParts: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let acuteEvaluations = ChartParts(rawValue: 1)
    public static let rehab = ChartParts(rawValue: 2)
}
