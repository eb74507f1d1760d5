import AcuteCare

/// The haemorrhage card of the acute result page, prepared for the template (stored
/// properties only): the blood-pressure target, reversal with doses, the ICH score with its
/// caution, what else is urgent.
struct AcuteHemorrhageCard {
    struct Reversal {
        var title: String
        var agents: [AcuteResultView.Pair]
        var notes: [String]
        var citation: String
    }

    var bloodPressure: String
    var bloodPressureCitation: String
    var reversal: [Reversal]
    var reversalNote: String?
    var ichScore: String
    var caution: String
    var urgent: [String]

    init(_ hemorrhage: HemorrhageResult, cite: ([String]) -> String) {
        bloodPressure = hemorrhage.bloodPressure.text
        bloodPressureCitation = cite(hemorrhage.bloodPressure.sources)
        reversal = hemorrhage.reversal.map { entry in
            Reversal(
                title: entry.title,
                agents: entry.agents.map { agent in
                    AcuteResultView.Pair(
                        name: agent.agent + (agent.dose.map { " \($0)" } ?? ""), value: agent.text + (agent.basis.map { " (\($0))" } ?? ""))
                },
                notes: entry.notes, citation: cite(entry.sources))
        }
        reversalNote = hemorrhage.reversalNote
        let score = hemorrhage.ichScore
        let mortality: String? =
            switch score?.risk["mortality_30d"] {
            case .text(let text)?: text
            default: nil
            }
        ichScore =
            score?.total.map { "\($0)" + (mortality.map { ", 30-day mortality \($0) (Hemphill 2001)" } ?? "") }
            ?? "incomplete (needs \(score?.missingData.map(\.field).joined(separator: ", ") ?? "its facts"))"
        caution = hemorrhage.ichScoreCaution
        urgent = hemorrhage.urgent.map(\.text)
    }
}
