public import Clinical

/// A PREP2 input still missing, named as a clinician records it.
public enum Prep2Input: String, NoticeCode {
    case safe = "recovery_prep2_safe"
    case age = "recovery_prep2_age"
    case mep = "recovery_prep2_mep"
    case nihss = "recovery_prep2_nihss"

    public var english: String {
        switch self {
        case .safe: "SAFE score (shoulder abduction + finger extension, by day {day})"
        case .age: "age"
        case .mep: "MEP status (TMS, days {from}–{to})"
        case .nihss: "NIHSS"
        }
    }
}
