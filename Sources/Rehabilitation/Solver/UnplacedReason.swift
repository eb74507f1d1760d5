public import Clinical

/// Why a prescribed session could not be placed at some day and time (or at all), named as
/// a coordinator would: the first rule that blocks it.
public enum UnplacedReason: String, NoticeCode, Codable {
    // Reasons that hold for the whole week.
    case contraindicated = "contraindicated"
    case patientNotAttending = "patient_not_attending"
    case tooEarlyAfterStroke = "too_early_after_stroke"
    case noRoomOfType = "no_room_of_type"
    case noQualifiedTherapist = "no_qualified_therapist"
    // Reasons that hold at a day and time of the plan.
    case dailyModalityLimit = "daily_modality_limit_reached"
    case sameDayExclusive = "same_day_exclusive"
    case dailyMinutesCap = "patient_daily_cap_reached"
    case patientUnavailable = "patient_unavailable"
    case patientBusy = "patient_busy_or_resting"
    case roomClosed = "room_closed"
    case roomFull = "room_or_pool_full"
    case noTherapistFree = "no_qualified_therapist_free"
    case therapistContactLimit = "therapist_contact_limit_reached"
    /// Nothing blocks it: the plan could still take the session then.
    case notChosen = "fits_but_not_chosen"

    /// The sentence a coordinator reads.
    public var english: String {
        switch self {
        case .contraindicated: "contraindicated for this patient (a flag rules the modality out)"
        case .patientNotAttending: "the patient attends on no day this week"
        case .tooEarlyAfterStroke: "too early after the stroke on every day the patient attends"
        case .noRoomOfType: "the clinic has no room of the type the modality needs"
        case .noQualifiedTherapist: "no therapist has the skill (and team) the modality needs"
        case .dailyModalityLimit: "the prescription's sessions per day are already given"
        case .sameDayExclusive: "the patient has a modality that may not share the day (e.g. mud and pool)"
        case .dailyMinutesCap: "the patient's daily therapy cap is reached"
        case .patientUnavailable: "the patient is not available (meals, ward round, transport, personal blocks)"
        case .patientBusy: "the patient has another session or needs rest then"
        case .roomClosed: "no room of the type is open then"
        case .roomFull: "every room or pool of the type is full then"
        case .noTherapistFree: "no qualified therapist is free while the patient is available"
        case .therapistContactLimit: "every qualified therapist free then has reached the daily contact limit"
        case .notChosen: "a place is free then: the plan could still take it (solve again, or longer)"
        }
    }
}
