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
    /// Whether `ichScore` is the protocol's (its `lang`), not the catalogue's "not available".
    var ichScoreSaid: Bool
    var caution: String
    var urgent: [String]

    init(_ hemorrhage: HemorrhageResult, cite: ([String]) -> String, texts: TextCatalogue.Texts) {
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
        ichScore = hemorrhage.ichScore?.summary ?? texts["acute_ich_not_available"]
        ichScoreSaid = hemorrhage.ichScore != nil
        caution = hemorrhage.ichScoreCaution
        urgent = hemorrhage.urgent.map(\.text)
    }
}
