import AcuteCare
import Foundation

/// The evaluation as a clinician reads it at the bedside: IVT first, then doses, EVT, BP,
/// the expected outcome and what is missing.
enum AcuteTextReport {
    static func render(_ evaluation: AcuteEvaluation) -> String {
        var lines: [String] = evaluation.profileNotices.map { "Profile: \($0)" }
        if let hemorrhage = evaluation.hemorrhage { lines += hemorrhageLines(hemorrhage) }
        for mimic in evaluation.mimics { lines.append("Mimic or caution: \(mimic.text)") }
        let ivt = evaluation.ivt
        lines.append("IVT: \(ivt.status.uppercased())" + (ivt.pathway.map { " — pathway \($0)" } ?? ""))
        for (title, findings) in [
            ("Absolute contraindication", ivt.absoluteContraindications), ("Relative contraindication", ivt.relativeContraindications),
            ("Correct first", ivt.correctBeforeTreatment), ("Not indicated", ivt.notIndicatedReasons),
        ] {
            for finding in findings { lines.append("  \(title): \(finding.text) [\(finding.code)]") }
        }
        for warning in ivt.warnings { lines.append("  Warning: \(warning)") }
        for note in ivt.notes { lines.append("  Note: \(note)") }
        if evaluation.doses.doseApplicable, let alteplase = evaluation.doses.alteplase, let tenecteplase = evaluation.doses.tenecteplase {
            lines.append("Doses:")
            if tenecteplase.offered {
                lines.append(
                    "  Tenecteplase \(number(tenecteplase.bandDoseMg)) mg (\(number(tenecteplase.bandVolumeMlAt5mgPerMl)) mL, band \(tenecteplase.weightBand)); exact \(number(tenecteplase.mgPerKg, places: 2)) mg/kg = \(number(tenecteplase.exactWeightBasedMg)) mg"
                )
                for warning in tenecteplase.warnings { lines.append("    Warning: \(warning)") }
            }
            if alteplase.offered {
                lines.append(
                    "  Alteplase \(number(alteplase.totalMg)) mg: bolus \(number(alteplase.bolusMg)) mg over 1 min, then \(number(alteplase.infusionMg)) mg over 60 min; discard \(number(alteplase.discardFrom100mgVialMg)) mg from a 100 mg vial"
                )
            }
            if let rationale = ivt.agentRationale { lines.append("  Why these agents: \(rationale)") }
        }
        let evt = evaluation.evt
        lines.append(
            "EVT: \(evt.recommendation.replacingOccurrences(of: "_", with: " ").uppercased())" + (evt.levels[evaluation.profile].map { " — \($0)" } ?? "")
                + (evt.basisExplanation.map { " [basis: \($0)]" } ?? ""))
        for warning in evt.warnings { lines.append("  Warning: \(warning)") }
        if !evt.trialCriteriaMet.isEmpty { lines.append("  Criteria met: \(evt.trialCriteriaMet.joined(separator: ", "))") }
        for (trial, failed) in evt.failedCriteria.sorted(by: { $0.key < $1.key }) where trial != "all" {
            lines.append("  \(trial) not met: \(failed.joined(separator: "; "))")
        }
        for (profile, recommendation) in evt.recommendationByProfile.sorted(by: { $0.key < $1.key }) where profile != evaluation.profile {
            lines.append("  Under \(profile): \(recommendation.replacingOccurrences(of: "_", with: " "))")
        }
        if let orders = evaluation.orders {
            lines.append("If IVT is given:")
            if let warning = orders.weightWarning { lines.append("  Weight: \(warning)") }
            for order in orders.orders { lines.append("  \(order.id.replacingOccurrences(of: "_", with: " ")): \(order.text)") }
        }
        let antiplatelet = evaluation.antiplatelet
        lines.append("Antiplatelet: \(antiplatelet.recommendation.replacingOccurrences(of: "_", with: " ").uppercased()) — \(antiplatelet.text)")
        if let regimen = antiplatelet.regimen { lines.append("  Regimen: \(regimen)") }
        lines.append("Blood pressure:")
        for (phase, text) in evaluation.bpPlan.sorted(by: { $0.key < $1.key }) { lines.append("  \(phase.replacingOccurrences(of: "_", with: " ")): \(text)") }
        let outcome = evaluation.expectedOutcome
        lines.append("Expected 90-day outcome (\(outcome.stroke.uppercased()), \(evaluation.outcomeModel)):")
        let reasons = outcome.notEstimatedReasons
        for (key, label, estimate) in [
            ("no_treatment", "no treatment", outcome.noTreatment), ("ivt", "IVT", outcome.ivt), ("evt", "EVT", outcome.evt),
            ("ivt_and_evt", "IVT + EVT", outcome.ivtAndEvt),
        ] {
            if let reason = reasons[key] { lines.append("  \(label): not estimated — \(reason)") }
            guard let estimate else { continue }
            let independent = estimate.mrsProbabilities.prefix(3).reduce(0, +)
            lines.append("  \(label): mRS 0-2 \(Int((independent * 100).rounded())) %, mean mRS \(number(estimate.meanMRS, places: 2))")
        }
        if let reason = reasons["routing"] { lines.append("Transport: not estimated — \(reason)") }
        if let routing = outcome.routing {
            lines.append("Transport (LVO probability \(Int((routing.lvoProbability * 100).rounded())) %):")
            for option in routing.options {
                let needle = option.onsetToNeedleMin.map { "needle at \(number($0, places: 0)) min, " } ?? ""
                lines.append(
                    "  \(option.name): \(needle)puncture at \(number(option.onsetToPunctureMin, places: 0)) min; mRS 0-2 \(Int((option.independent * 100).rounded())) %, mean utility \(number(option.meanUtility, places: 2))"
                )
            }
            lines.append("  \(routing.note)")
        }
        let scores: [String] = evaluation.scores.all.keys.sorted().map { id in
            let total = evaluation.scores.total(id).map(String.init) ?? "incomplete"
            return "\(id) \(total)"
        }
        lines.append("Scores: " + scores.joined(separator: ", "))
        if !evaluation.missingData.isEmpty {
            lines.append(
                "Missing: "
                    + evaluation.missingData.map { "\($0.field) (for \($0.neededBy)\($0.blocking ? ", needed before deciding" : ""))" }.joined(separator: "; "))
        }
        lines.append(
            "Profile \(evaluation.profile), protocol \(evaluation.protocolVersion). Decision support only: local protocols and the full guidelines take precedence."
        )
        return lines.joined(separator: "\n")
    }

    private static func number(_ value: Double, places: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
