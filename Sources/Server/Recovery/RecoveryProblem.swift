import Foundation
import Hummingbird
import Recovery
import Storage

/// Turns the recovery side's refusals into problems: a field off its scale, a day before the
/// onset or contradicting doses → 422 naming it; no recorded onset → 422; what the clinic's
/// mapping already knows (unknown patient) as there.
enum RecoveryProblem {
    static func map<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await RehabProblem.map(work)
        } catch let error as RecoveryInputError {
            var problem = Problem(.unprocessableContent, "invalid-body", detail: "\(error.field) \(error.message).")
            problem.errors = [.init(field: error.field, detail: error.message)]
            throw problem
        } catch let error as ContradictingTherapy {
            let existing = error.existing
            var problem = Problem(
                .unprocessableContent, "contradicting-therapy",
                detail:
                    "\(existing.modelInput) is already entered for \(existing.firstDay)–\(existing.lastDay) (\(existing.minutesPerDay) min a day at \(existing.place)); two doses of one input on one day contradict each other."
            )
            problem.errors = [.init(field: "firstDay", detail: "overlaps entry \(existing.id?.uuidString.lowercased() ?? "?")")]
            throw problem
        } catch let error as MissingRecoveryData {
            throw Problem(.conflict, "recovery-missing-data", detail: "Nothing to fit yet: \(error.missing.joined(separator: "; ")) is needed.")
        } catch is UnknownOnset {
            throw Problem(
                .unprocessableContent, "unknown-onset",
                detail: "Nothing records when this patient's stroke began: record the episode's last-known-well time or a rehab stay's stroke date first.")
        }
    }
}
