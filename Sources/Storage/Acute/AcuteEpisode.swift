public import Clinical
public import Foundation

/// A stroke episode with its acute time stamps and the intervals PostgreSQL derives from
/// them (door-to-imaging, door-to-needle, door-to-groin, onset-to-needle, onset-to-groin).
public struct AcuteEpisode: Sendable, Equatable, Codable {
    public var id: UUID
    public var organisationId: UUID
    public var patientId: UUID
    public var strokeType: StrokeType
    public var lastKnownWell: Date?
    public var onsetWitnessed: Bool?
    public var arrivalAt: Date?
    /// How the patient came: `direct`, `transfer` (in from another hospital) or `in_hospital`
    /// (onset while in this hospital); nil: not recorded.
    public var arrivalMode: String?
    public var nihssAtArrival: Int?
    public var imagingAt: Date?
    public var needleAt: Date?
    public var thrombolytic: String?
    public var groinPunctureAt: Date?
    public var reperfusionAt: Date?
    public var mtici: String?
    public var doorToImagingMin: Int?
    public var doorToNeedleMin: Int?
    public var doorToGroinMin: Int?
    public var onsetToNeedleMin: Int?
    public var onsetToGroinMin: Int?
    public var createdAt: Date
}

/// What a request sets on an episode: a field left nil is unchanged; `.some(nil)` clears it.
public struct EpisodeChanges: Sendable, Equatable {
    public var strokeType: StrokeType?
    public var lastKnownWell: Date??
    public var onsetWitnessed: Bool??
    public var arrivalAt: Date??
    public var arrivalMode: String??
    public var nihssAtArrival: Int??
    public var imagingAt: Date??
    public var needleAt: Date??
    public var thrombolytic: String??
    public var groinPunctureAt: Date??
    public var reperfusionAt: Date??
    public var mtici: String??

    public init() {}

    public static let thrombolytics: Set<String> = ["alteplase", "tenecteplase"]
    /// Arrival modes (SQL/migrations/0012_arrival_mode.sql): in-hospital onset has no door
    /// interval in the reports; transfers and direct arrivals have door to groin apart.
    public static let arrivalModes: Set<String> = ["direct", "transfer", "in_hospital"]
    public static let mticiGrades: Set<String> = ["0", "1", "2a", "2b", "2c", "3"]
}

/// A moment of the acute course the team stamps as it happens ("now"): door, imaging, needle
/// and groin puncture, each a column of `stroke_episodes`.
public enum EpisodeMoment: String, Sendable, CaseIterable {
    case arrival, imaging, needle
    case groinPuncture = "groin_puncture"

    var column: String {
        switch self {
        case .arrival: "arrival_at"
        case .imaging: "imaging_at"
        case .needle: "needle_at"
        case .groinPuncture: "groin_puncture_at"
        }
    }
}
