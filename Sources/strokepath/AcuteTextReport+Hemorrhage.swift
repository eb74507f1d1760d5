import AcuteCare

extension AcuteTextReport {
    /// The haemorrhage block, first in the report when the imaging shows one: blood pressure,
    /// reversal with doses, the ICH score with its caution, what else is urgent.
    static func hemorrhageLines(_ hemorrhage: HemorrhageResult) -> [String] {
        var lines = ["INTRACEREBRAL HAEMORRHAGE:", "  Blood pressure: \(hemorrhage.bloodPressure.text)"]
        if let note = hemorrhage.reversalNote { lines.append("  Reversal: \(note)") }
        for entry in hemorrhage.reversal {
            lines.append("  Reversal, \(entry.title):")
            for agent in entry.agents {
                let dose = agent.dose.map { " \($0)" } ?? ""
                let basis = agent.basis.map { " (\($0))" } ?? ""
                lines.append("    \(agent.agent)\(dose)\(basis): \(agent.text)")
            }
            for note in entry.notes { lines.append("    Note: \(note)") }
        }
        if let score = hemorrhage.ichScore { lines.append("  ICH score: \(score.summary)") }
        lines.append("    Caution: \(hemorrhage.ichScoreCaution)")
        for item in hemorrhage.urgent { lines.append("  Urgent: \(item.text)") }
        return lines
    }
}
