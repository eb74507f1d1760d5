/// What the scorer found for a schedule: hard-constraint violation counts by kind (all zero
/// for a feasible schedule), the soft objective terms and their weighted sum.
public struct ScheduleScore: Sendable, Equatable {
    /// The violation kinds of problem.md §4, in score.py's order.
    public static let hardKinds = [
        "bad_reference", "outside_grid", "not_prescribed", "wrong_length",
        "over_prescribed", "over_daily_modality", "therapist_field",
        "qualification", "team", "therapist_unavailable", "therapist_overlap",
        "therapist_contact_max", "room_type", "room_closed", "room_capacity",
        "group_size", "duplicate_in_group", "patient_overlap",
        "patient_unavailable", "patient_daily_max", "patient_gap",
        "contraindication", "too_early_after_stroke", "same_day_exclusive",
    ]

    /// The soft terms of problem.md §5 and the weight each is multiplied by.
    public static let softTerms = [
        "unmet_minutes", "daily_imbalance_minutes", "extra_therapists",
        "time_preference_violations", "outpatient_idle_minutes", "weekend_sessions",
    ]

    /// score.py's KPIs, reported besides the objective, in its order.
    public static let kpiNames = [
        "sessions", "patient_sessions", "prescribed_minutes", "delivered_minutes", "delivered_fraction",
        "patient_weekdays_ge_180min", "patient_weekdays", "therapist_contact_minutes", "therapist_contact_capacity",
        "therapist_utilisation", "group_sessions", "mean_group_size",
    ]
    /// The KPIs score.py prints as fractions; the others are counts.
    public static let fractionKPIs: Set<String> = ["delivered_fraction", "therapist_utilisation", "mean_group_size"]

    public var hard: [String: Int]
    /// Raw value of each soft term.
    public var soft: [String: Int]
    public var objective: Int
    public var kpi: [String: Double]
    /// Up to a few violations of each kind, worded as score.py words them.
    public var examples: [String: [String]] = [:]

    public var hardTotal: Int { hard.values.reduce(0, +) }
    public var feasible: Bool { hardTotal == 0 }
}
