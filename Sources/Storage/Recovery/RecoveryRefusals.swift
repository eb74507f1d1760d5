public import Clinical
import Foundation

/// The recovery side's refusals, one line each.
extension Refusal {
    /// Nothing says when the patient's stroke began: no episode with a last-known-well time and
    /// no rehab stay with a stroke date.
    public static let unknownOnset = Refusal(
        .unknownReference, "unknown-onset",
        message: "Nothing records when this patient's stroke began: record the episode's last-known-well time or a rehab stay's stroke date first.")

    /// The patient has no data to fit yet; `missing` names what.
    public static func missingRecoveryData(_ missing: [String]) -> Refusal {
        Refusal(.conflict, "recovery-missing-data", message: "Nothing to fit yet: \(missing.joined(separator: "; ")) is needed.")
    }

    /// The entry contradicts therapy already entered for the same input on some of its days.
    public static func contradictingTherapy(_ existing: TherapyElsewhere) -> Refusal {
        Refusal(
            .ruleViolation, "contradicting-therapy", field: "firstDay",
            message:
                "\(existing.modelInput) is already entered for \(existing.firstDay)–\(existing.lastDay) (\(existing.minutesPerDay) min a day at \(existing.place)) as entry \(existing.id?.uuidString.lowercased() ?? "?"); two doses of one input on one day contradict each other."
        )
    }
}
