public import Clinical

/// What a recovery projection's reader must know: how its class was chosen and how each
/// PREP2 input was taken, what is missing, and why to read the projection with care.
public enum RecoveryNotice: String, NoticeCode {
    case basisPrep2 = "recovery_basis_prep2"
    case basisMepPresent = "recovery_basis_mep_present"
    case basisMepAbsent = "recovery_basis_mep_absent"
    case basisDefault = "recovery_basis_default"
    case safeFromDay = "recovery_safe_from_day"
    case nihssAtArrival = "recovery_nihss_at_arrival"
    case ageApproximate = "recovery_age_approximate"
    /// The protocol's note on a contested prior (`{note}`, in the protocol's words).
    case contestedPrior = "recovery_contested_prior"
    case noFMUE = "recovery_no_fmue"
    case safeOnlyEarly = "recovery_safe_only_early"
    case bandNotConverged = "recovery_band_not_converged"
    case fitFails = "recovery_fit_fails"
    case outsideHorizon = "recovery_outside_horizon"
    case unrecordedSessions = "recovery_unrecorded_sessions"
    /// A speculative parameter, with the protocol's justification (`{justification}`).
    case speculative = "recovery_speculative"

    public var english: String {
        switch self {
        case .basisPrep2: "PREP2 {category} (Stinear 2017)"
        case .basisMepPresent: "MEP present, no PREP2 category"
        case .basisMepAbsent: "MEP absent, no PREP2 category"
        case .basisDefault: "no PREP2 category or MEP status: the default priors"
        case .safeFromDay: "SAFE from day {day} only (PREP2 assesses it about day {assessment}; an earlier SAFE tends to underestimate it)"
        case .nihssAtArrival:
            "NIHSS {nihss} at arrival used: none recorded by day {day} (PREP2 uses the day-3 NIHSS; the arrival score, before any "
                + "reperfusion, is often higher and biases towards Poor)"
        case .ageApproximate:
            "age approximate: only the birth year is stored, so the age at onset is {younger} or {age}, on either side of PREP2's age "
                + "split at {split}; {age} was used"
        case .contestedPrior: "{note}"
        case .noFMUE: "an FM-UE observation from onset to day {horizon}"
        case .safeOnlyEarly:
            "Only a SAFE from before day {early} is recorded: PREP2 assesses SAFE about day {assessment} and an earlier score tends to "
                + "underestimate it; record a SAFE at about day {assessment}."
        case .bandNotConverged: "The band's edges still moved after {sets} parameter sets (the cap): read its edges as approximate."
        case .fitFails:
            "The fit fails the χ² test ({cost} > {threshold}): the model does not describe these observations well; read the projection with care."
        case .outsideHorizon: "{count} FM-UE observation(s) outside days 0–{horizon} are shown but not fitted."
        case .unrecordedSessions: "{count} past session(s) have no attendance recorded and are not counted as therapy."
        case .speculative: "The projection depends on the speculative parameter {parameter} ({justification})."
        }
    }
}
